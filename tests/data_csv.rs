//! The messy-CSV corpus in tests/data: each file profiles correctly or fails with the right error.
#![cfg(not(target_arch = "wasm32"))]

use automl::data::{
    load_csv, ColumnKind, DataError, LoadOptions, Profile, Role, RoleOptions, Table, TaskKind,
};

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn load(name: &str) -> Result<(Table, Profile), DataError> {
    load_csv(&read(name), name, &LoadOptions::default())
}

fn load_with(name: &str, roles: RoleOptions) -> Result<(Table, Profile), DataError> {
    load_csv(
        &read(name),
        name,
        &LoadOptions {
            roles,
            ..Default::default()
        },
    )
}

fn col<'a>(p: &'a Profile, name: &str) -> &'a automl::data::ColumnProfile {
    p.columns
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn semicolon_with_decimal_comma() {
    let (t, p) = load("semicolon_decimal_comma.csv").unwrap();
    let f = p.format.as_ref().unwrap();
    assert_eq!((f.delimiter, f.header, f.decimal_comma), (';', true, true));
    assert_eq!(t.rows, 6);
    let h = col(&p, "height");
    assert_eq!(h.kind, ColumnKind::Numeric);
    let s = h.numeric.unwrap();
    assert!(
        (s.min - 1.55).abs() < 1e-6 && (s.max - 1.91).abs() < 1e-6,
        "{s:?}"
    );
    assert_eq!(col(&p, "weight").missing, 1);
    assert_eq!(col(&p, "city").kind, ColumnKind::Categorical);
    assert_eq!(p.task, TaskKind::Classification);
    assert_eq!(
        p.classes.iter().map(|c| c.count).collect::<Vec<_>>(),
        vec![3, 3]
    );
}

#[test]
fn quoted_fields_with_delimiters_newlines_and_quotes() {
    let (t, p) = load("quoted_newlines.csv").unwrap();
    assert_eq!(t.rows, 6);
    let automl::data::ColumnValues::Levels { levels, .. } = &t.columns[1].values else {
        panic!()
    };
    assert!(levels.contains(&"two\nlines".to_string()));
    assert!(levels.contains(&"has, a comma".to_string()));
    assert!(levels.contains(&"say \"hi\"".to_string()));
    assert_eq!(col(&p, "label").kind, ColumnKind::Boolean);
    assert_eq!(p.task, TaskKind::Classification);
}

#[test]
fn bom_crlf_and_trailing_empty_lines() {
    let (t, p) = load("bom_crlf.csv").unwrap();
    let f = p.format.as_ref().unwrap();
    assert!(f.bom && f.header);
    assert_eq!(t.column_names(), vec!["a", "b", "target"]);
    assert_eq!(t.rows, 4);
    assert_eq!(p.classes.len(), 2);
    let automl::data::ColumnValues::Levels { levels, .. } = &t.columns[2].values else {
        panic!()
    };
    assert_eq!(levels, &vec!["x".to_string(), "y".to_string()]);
}

#[test]
fn missing_values_in_several_spellings() {
    let (_, p) = load("missing_spellings.csv").unwrap();
    assert_eq!(col(&p, "age").missing, 3);
    assert_eq!(col(&p, "age").kind, ColumnKind::Numeric);
    assert_eq!(col(&p, "income").missing, 3);
    assert_eq!(col(&p, "group").missing, 2);
    assert_eq!(col(&p, "group").distinct, 2);
    assert_eq!(p.task, TaskKind::Classification, "{}", p.task_reason);
}

#[test]
fn dates_become_a_date_column_and_four_features() {
    let (t, p) = load("dates.csv").unwrap();
    let d = col(&p, "date");
    assert_eq!(d.kind, ColumnKind::DateTime);
    assert_eq!(
        d.date_range,
        Some(("2023-12-31".into(), "2024-11-11".into()))
    );
    assert!(d.used_as_feature);
    let prepared = automl::data::prepare(
        &t,
        &automl::data::PrepareOptions {
            fractions: automl::data::Fractions {
                valid: 0.2,
                test: 0.0,
            },
            ..Default::default()
        },
    )
    .unwrap();
    assert!(prepared.feature_names.contains(&"date_weekday".to_string()));
    assert!(prepared
        .feature_names
        .contains(&"date_day_of_year".to_string()));
}

#[test]
fn id_columns_are_excluded_with_a_reason() {
    let (_, p) = load("id_column.csv").unwrap();
    for name in ["customer_id", "code"] {
        let c = col(&p, name);
        assert_eq!(c.kind, ColumnKind::IdLike, "{name}");
        assert_eq!(c.role, Role::Excluded);
        assert!(c.excluded_reason.as_ref().unwrap().contains("ID-like"));
    }
    assert!(col(&p, "visits").used_as_feature);
    assert_eq!(p.features, 2);
}

#[test]
fn constant_column_is_excluded_and_regression_inferred() {
    let (_, p) = load("constant_column.csv").unwrap();
    let c = col(&p, "constant");
    assert!(!c.used_as_feature && c.excluded_reason.as_ref().unwrap().contains("constant"));
    assert_eq!(p.task, TaskKind::Regression);
    assert_eq!(p.features, 2);
}

#[test]
fn single_class_target_is_an_error() {
    let e = load("single_class.csv").unwrap_err();
    assert!(
        matches!(&e, DataError::TargetConstant { column, value } if column == "label" && value == "spam"),
        "{e}"
    );
    assert!(e.to_string().contains("label"));
}

#[test]
fn ragged_line_is_reported_with_row_and_line() {
    let e = load("ragged.csv").unwrap_err();
    assert_eq!(
        e,
        DataError::Ragged {
            row: 3,
            line: 4,
            found: 2,
            expected: 3
        }
    );
    assert!(e.to_string().contains("row 3 (line 4)"));
}

#[test]
fn binary_empty_header_only_and_one_column_fail_clearly() {
    assert!(matches!(
        load("binary.png").unwrap_err(),
        DataError::NotText { .. }
    ));
    assert_eq!(load("empty.csv").unwrap_err(), DataError::Empty);
    assert_eq!(load("header_only.csv").unwrap_err(), DataError::NoRows);
    assert!(matches!(
        load("one_column.csv").unwrap_err(),
        DataError::OnlyOneColumn {
            given_delimiter: None,
            ..
        }
    ));
    // A delimiter the user gives and the file does not use is named as the cause.
    let e = load_csv(
        &read("customers.csv"),
        "customers.csv",
        &LoadOptions {
            csv: automl::data::CsvOptions {
                delimiter: Some(';'),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("split at the given delimiter ';', the file has a single column"),
        "{e}"
    );
}

#[test]
fn tab_pipe_and_headerless_files() {
    let (_, p) = load("tab.tsv").unwrap();
    assert_eq!(p.format.as_ref().unwrap().delimiter, '\t');
    assert_eq!(p.columns.len(), 3);
    let (_, p) = load("pipe.csv").unwrap();
    assert_eq!(p.format.as_ref().unwrap().delimiter, '|');
    let (t, p) = load("no_header.csv").unwrap();
    assert!(!p.format.as_ref().unwrap().header);
    assert_eq!(t.rows, 4);
    assert_eq!(p.target, "column_3");
}

#[test]
fn missing_targets_are_dropped_and_single_row_classes_reported() {
    let (_, p) = load("missing_target.csv").unwrap();
    assert_eq!(p.rows_missing_target, 2);
    assert_eq!(p.single_row_classes, vec!["c".to_string()]);
    let (t, p) = load("single_row_class.csv").unwrap();
    assert_eq!(p.single_row_classes, vec!["c".to_string()]);
    let prepared = automl::data::prepare(&t, &Default::default()).unwrap();
    let c = prepared.train.y.iter().filter(|&&y| y == 2.0).count();
    assert_eq!(c, 1, "the single row of class c is in the training part");
}

#[test]
fn target_and_task_can_be_chosen() {
    let e = load_with(
        "regression.csv",
        RoleOptions {
            target: Some("nope".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(matches!(e, DataError::UnknownTarget { .. }));
    let (_, p) = load("regression.csv").unwrap();
    assert_eq!(p.task, TaskKind::Regression);
    // Excluding the target is a contradiction, not something to ignore.
    let e = load_with(
        "regression.csv",
        RoleOptions {
            excluded: vec![p.target.clone()],
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(&e, DataError::TargetExcluded { column } if *column == p.target),
        "{e}"
    );
    let (_, p) = load_with(
        "regression.csv",
        RoleOptions {
            target: Some("x".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        p.task,
        TaskKind::Classification,
        "6 whole numbers read as classes"
    );
    let (_, p) = load_with(
        "regression.csv",
        RoleOptions {
            target: Some("x".into()),
            task: Some(TaskKind::Regression),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(p.task, TaskKind::Regression);
    let e = load_with(
        "semicolon_decimal_comma.csv",
        RoleOptions {
            task: Some(TaskKind::Regression),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(matches!(e, DataError::TargetNotNumeric { .. }));
    let e = load_with(
        "id_column.csv",
        RoleOptions {
            target: Some("code".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(matches!(e, DataError::TargetUnusable { .. }), "{e}");
    let (_, p) = load_with(
        "id_column.csv",
        RoleOptions {
            excluded: vec!["visits".into()],
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        col(&p, "visits").excluded_reason.as_deref(),
        Some("excluded by you")
    );
    let e = load_with(
        "id_column.csv",
        RoleOptions {
            excluded: vec!["visits".into(), "spend".into()],
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(matches!(e, DataError::NoUsableFeatures { .. }), "{e}");
}

#[test]
fn free_text_is_excluded_and_booleans_detected() {
    let (_, p) = load("free_text.csv").unwrap();
    assert_eq!(col(&p, "review").kind, ColumnKind::Text);
    assert!(!col(&p, "review").used_as_feature);
    assert_eq!(col(&p, "recommend").kind, ColumnKind::Boolean);
    assert_eq!(p.task, TaskKind::Classification);
}

#[test]
fn windows_1252_is_decoded() {
    let (t, p) = load("latin1.csv").unwrap();
    assert_eq!(p.format.as_ref().unwrap().encoding, "windows-1252");
    assert_eq!(t.columns[1].name, "ville");
    let automl::data::ColumnValues::Levels { levels, .. } = &t.columns[1].values else {
        panic!()
    };
    assert!(levels.contains(&"Orléans".to_string()));
}

#[test]
fn limits_are_enforced_with_clear_errors() {
    let bytes = read("customers.csv");
    let mut o = LoadOptions::default();
    o.csv.limits.max_bytes = 1000;
    assert!(matches!(
        load_csv(&bytes, "c", &o).unwrap_err(),
        DataError::TooLarge { .. }
    ));
    let mut o = LoadOptions::default();
    o.csv.limits.max_rows = 100;
    assert_eq!(
        load_csv(&bytes, "c", &o).unwrap_err(),
        DataError::TooManyRows { limit: 100 }
    );
    let mut o = LoadOptions::default();
    o.csv.limits.max_columns = 5;
    assert!(matches!(
        load_csv(&bytes, "c", &o).unwrap_err(),
        DataError::TooManyColumns { columns: 10, .. }
    ));
    let mut o = LoadOptions::default();
    o.csv.limits.max_cells = 1000;
    assert!(matches!(
        load_csv(&bytes, "c", &o).unwrap_err(),
        DataError::TooManyCells { row: 101, .. }
    ));
}

#[test]
fn customers_profile() {
    let (t, p) = load("customers.csv").unwrap();
    assert_eq!((t.rows, t.columns.len()), (300, 10));
    assert_eq!(p.target, "churned");
    assert_eq!(p.task, TaskKind::Classification);
    assert_eq!(col(&p, "customer_id").kind, ColumnKind::IdLike);
    assert_eq!(col(&p, "signup_date").kind, ColumnKind::DateTime);
    assert_eq!(col(&p, "plan").kind, ColumnKind::Categorical);
    assert_eq!(col(&p, "newsletter").kind, ColumnKind::Boolean);
    assert!(col(&p, "age").missing > 5);
    assert_eq!(p.features, 8);
    let json = serde_json::to_string(&p).unwrap();
    let back: Profile = serde_json::from_str(&json).unwrap();
    // serde_json parses floats to within an ulp, so compare everything but the float summaries.
    assert_eq!(
        (&back.target, &back.classes, back.columns.len()),
        (&p.target, &p.classes, 10)
    );
    assert!(back
        .columns
        .iter()
        .zip(&p.columns)
        .all(|(a, b)| a.kind == b.kind && a.role == b.role && a.missing == b.missing));
    assert!(p.to_text().contains("customer_id"));
}

#[test]
fn boolean_class_labels_keep_the_files_words() {
    // The most frequent spelling of each value names the class; `t` and `Yes` are read as true.
    let csv = b"x,answer\n1,yes\n2,no\n3,Yes\n4,yes\n5,no\n6,t\n7,NO\n8,no\n";
    let (t, p) = load_csv(csv, "answers.csv", &LoadOptions::default()).unwrap();
    assert_eq!(col(&p, "answer").kind, ColumnKind::Boolean);
    assert_eq!(t.columns[1].bool_words, Some(["no".into(), "yes".into()]));
    let top: Vec<(&str, usize)> = col(&p, "answer")
        .top_levels
        .iter()
        .map(|l| (l.value.as_str(), l.count))
        .collect();
    assert_eq!(top, [("no", 4), ("yes", 4)]);
    let prepared = automl::data::prepare(&t, &automl::data::PrepareOptions::default()).unwrap();
    assert_eq!(
        prepared.task,
        automl::data::Task::Classification {
            classes: vec!["no".into(), "yes".into()]
        }
    );
    // Files that write true/false keep them, and so does a column of only one spelling each.
    let (t, _) = load_csv(
        b"x,ok\n1,true\n2,false\n3,TRUE\n4,true\n",
        "tf.csv",
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(t.columns[1].bool_words, None);
    assert_eq!(t.columns[1].bool_label(true), "true");
}

#[test]
fn headers_with_a_blank_or_repeated_name_are_headers_and_the_rename_is_said() {
    // As pandas writes a table with its row index: the first header cell is empty.
    let csv = b",height,height,label\n0,1.5,2.5,a\n1,1.7,2.1,b\n2,1.6,2.0,a\n3,1.8,2.2,b\n";
    let (t, p) = load_csv(csv, "indexed.csv", &LoadOptions::default()).unwrap();
    assert!(p.format.as_ref().unwrap().header);
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["column_1", "height", "height_2", "label"]);
    assert_eq!(col(&p, "height_2").kind, ColumnKind::Numeric);
    assert_eq!(p.target, "label");
    for said in [
        "a column without a name in the header is called \"column_1\"",
        "the header names \"height\" more than once; this column is called \"height_2\"",
    ] {
        assert!(p.warnings.iter().any(|w| w == said), "{:?}", p.warnings);
    }
    // Without numbers below, repeated words are data, not a header.
    let (_, p) = load_csv(b"a,a\nb,c\nd,e\n", "words.csv", &LoadOptions::default()).unwrap();
    assert!(!p.format.as_ref().unwrap().header);
}
