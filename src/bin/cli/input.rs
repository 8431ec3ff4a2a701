//! Reading the user's files and datasets, with messages that name the file.

use automl::data::{
    builtin, load_csv, prepare, CsvOptions, DataError, Limits, LoadOptions, PrepareOptions,
    PreparedData, RoleOptions, TaskKind,
};
use automl::Error;
use std::path::Path;

/// Reads a whole file, refusing files above the CSV size limit before reading them.
pub fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    let cannot = |e: std::io::Error| Error::Input(format!("cannot read {}: {e}", path.display()));
    let size = std::fs::metadata(path).map_err(cannot)?.len();
    let limit = Limits::default().max_bytes;
    if size > limit as u64 {
        return Err(Error::Input(format!(
            "{}: {}",
            path.display(),
            DataError::TooLarge {
                bytes: size as usize,
                limit
            }
        )));
    }
    std::fs::read(path).map_err(cannot)
}

/// Writes a file, naming it in the error.
pub fn write_file(path: &Path, contents: &[u8]) -> Result<(), Error> {
    std::fs::write(path, contents)
        .map_err(|e| Error::Input(format!("cannot write {}: {e}", path.display())))
}

/// Checks, before any work, that the files to be written can be written: each is a distinct
/// path, not a folder, in a folder that exists and lets us create or replace it. A file that
/// did not exist is not left behind by the check.
pub fn check_outputs(outputs: &[(&str, &Path)]) -> Result<(), Error> {
    for (i, (flag, path)) in outputs.iter().enumerate() {
        if let Some((other, _)) = outputs[..i].iter().find(|(_, p)| p == path) {
            return Err(Error::Input(format!(
                "{other} and {flag} both name {}; each output needs its own file",
                path.display()
            )));
        }
        let cannot = |why: String| {
            Error::Input(format!(
                "{flag} {}: cannot write there: {why}",
                path.display()
            ))
        };
        if path.is_dir() {
            return Err(cannot("it is a folder".into()));
        }
        let existed = path.exists();
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| cannot(e.to_string()))?;
        if !existed {
            std::fs::remove_file(path).map_err(|e| cannot(e.to_string()))?;
        }
    }
    Ok(())
}

/// Serialises `value` as pretty JSON into `path`.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), Error> {
    let json = serde_json::to_vec_pretty(value)
        .map_err(|e| Error::Input(format!("cannot encode {}: {e}", path.display())))?;
    write_file(path, &json)
}

/// Where the rows come from: `builtin:NAME` or a CSV file path.
pub enum Source<'a> {
    /// A built-in dataset id.
    Builtin(&'a str),
    /// A CSV file.
    File(&'a Path),
}

impl<'a> Source<'a> {
    /// Parses the `--data` argument (`None` means the built-in iris dataset).
    pub fn parse(data: Option<&'a str>) -> Source<'a> {
        match data {
            None => Source::Builtin("iris"),
            Some(d) => match d.strip_prefix("builtin:") {
                Some(id) => Source::Builtin(id),
                None => Source::File(Path::new(d)),
            },
        }
    }
}

/// Loads and prepares a dataset: seeded stratified split, preparation fitted on the training rows.
/// Also returns the profile's warnings about the file (rows dropped for a missing target, odd
/// values in a typed column, classes with a single row) and the split's
/// ([`PreparedData::warnings`]), each prefixed with the file's name. `delimiter` applies to a
/// file (detected when `None`).
pub fn prepared(
    source: &Source<'_>,
    target: Option<String>,
    task: Option<TaskKind>,
    excluded: Vec<String>,
    delimiter: Option<char>,
    seed: u64,
) -> Result<(PreparedData, Vec<String>), Error> {
    let roles = RoleOptions {
        target,
        task,
        excluded,
        ..RoleOptions::default()
    };
    let options = PrepareOptions {
        roles: roles.clone(),
        seed,
        ..PrepareOptions::default()
    };
    match source {
        Source::Builtin(id) => {
            let table = builtin::load(id, &Default::default())?;
            let data = prepare(&table, &options)
                .map_err(|e| Error::Input(format!("builtin:{id}: {e}")))?;
            let warnings = data
                .warnings()
                .into_iter()
                .map(|w| format!("builtin:{id}: {w}"))
                .collect();
            Ok((data, warnings))
        }
        Source::File(path) => {
            let bytes = read_file(path)?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string());
            let in_file = |e: DataError| Error::Input(format!("{}: {e}", path.display()));
            let load = LoadOptions {
                roles,
                csv: CsvOptions {
                    delimiter,
                    ..CsvOptions::default()
                },
            };
            let (table, profile) = load_csv(&bytes, &name, &load).map_err(in_file)?;
            let data = prepare(&table, &options).map_err(in_file)?;
            let mut warnings: Vec<String> = profile
                .warnings
                .iter()
                .map(|w| format!("{}: {w}", path.display()))
                .collect();
            warnings.extend(
                data.warnings()
                    .into_iter()
                    .map(|w| format!("{}: {w}", path.display())),
            );
            Ok((data, warnings))
        }
    }
}
