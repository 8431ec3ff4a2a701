//! Every built-in dataset: shape, class counts, names, and that it prepares.
#![cfg(not(target_arch = "wasm32"))]

use automl::data::{builtin, prepare, ColumnValues, PrepareOptions, Task, TaskKind};

fn class_counts(table: &automl::data::Table) -> Vec<usize> {
    let target = table.columns.last().unwrap();
    match &target.values {
        ColumnValues::Levels { codes, levels } => {
            let mut counts = vec![0; levels.len()];
            for &c in codes {
                counts[c as usize] += 1;
            }
            counts
        }
        _ => panic!("not a class column"),
    }
}

#[test]
fn real_datasets_have_their_published_shapes_and_class_counts() {
    let cases: [(&str, usize, usize, Vec<usize>); 4] = [
        ("iris", 150, 4, vec![50, 50, 50]),
        ("wine", 178, 13, vec![59, 71, 48]),
        ("breast_cancer", 569, 30, vec![212, 357]),
        (
            "digits",
            1797,
            64,
            vec![178, 182, 177, 183, 181, 182, 181, 179, 174, 180],
        ),
    ];
    for (id, rows, features, counts) in cases {
        let t = builtin::load(id, &Default::default()).unwrap();
        assert_eq!(t.rows, rows, "{id}");
        assert_eq!(t.columns.len(), features + 1, "{id}");
        assert_eq!(class_counts(&t), counts, "{id}");
        assert!(t.columns.iter().all(|c| c.missing == 0), "{id}");
    }
    let d = builtin::load("diabetes", &Default::default()).unwrap();
    assert_eq!((d.rows, d.columns.len()), (442, 11));
    assert_eq!(d.task_hint, Some(TaskKind::Regression));
}

#[test]
fn names_are_right() {
    let digits = builtin::load("digits", &Default::default()).unwrap();
    assert_eq!(digits.columns[0].name, "pixel_0_0");
    assert_eq!(digits.columns[63].name, "pixel_7_7");
    assert_eq!(digits.columns[10].name, "pixel_1_2");
    let ColumnValues::Levels { levels, .. } = &digits.columns[64].values else {
        panic!()
    };
    assert_eq!(levels, &(0..10).map(|i| i.to_string()).collect::<Vec<_>>());
    let wine = builtin::load("wine", &Default::default()).unwrap();
    assert_eq!(wine.columns[0].name, "alcohol");
    assert_eq!(wine.columns[12].name, "proline");
    let ColumnValues::Numbers(proline) = &wine.columns[12].values else {
        panic!()
    };
    assert_eq!(proline[0], 1065.0);
    let iris = builtin::load("iris", &Default::default()).unwrap();
    assert_eq!(iris.columns[4].name, "species");
    // Malignant tumours are larger on average.
    let bc = builtin::load("breast_cancer", &Default::default()).unwrap();
    let ColumnValues::Numbers(radius) = &bc.columns[0].values else {
        panic!()
    };
    let ColumnValues::Levels { codes, levels } = &bc.columns[30].values else {
        panic!()
    };
    let mean = |class: u32| {
        let v: Vec<f32> = radius
            .iter()
            .zip(codes)
            .filter(|(_, &c)| c == class)
            .map(|(r, _)| *r)
            .collect();
        v.iter().sum::<f32>() / v.len() as f32
    };
    assert_eq!(levels[0], "malignant");
    assert!(mean(0) > mean(1) + 3.0);
}

#[test]
fn list_describes_every_dataset_and_each_loads_and_prepares() {
    let list = builtin::list();
    assert_eq!(list.len(), 12);
    for info in &list {
        assert!(
            !info.description.is_empty() && !info.source.is_empty() && !info.licence.is_empty()
        );
        let t = builtin::load(&info.id, &Default::default()).unwrap();
        assert_eq!(t.rows, info.rows, "{}", info.id);
        assert_eq!(t.columns.len(), info.features + 1, "{}", info.id);
        let p = prepare(&t, &PrepareOptions::default()).unwrap();
        assert_eq!(p.task_kind(), info.task, "{}", info.id);
        assert_eq!(p.train.rows() + p.valid.rows() + p.test.rows(), t.rows);
        assert!(p.train.x.iter().chain(&p.test.x).all(|x| x.is_finite()));
    }
}

#[test]
fn toys_are_seeded_balanced_and_validated() {
    let o = builtin::ToyOptions {
        seed: 3,
        noise: 0.2,
        samples: 101,
    };
    for id in ["circle", "xor", "gaussians", "spirals", "moons"] {
        let a = builtin::load(id, &o).unwrap();
        assert_eq!(a, builtin::load(id, &o).unwrap(), "{id}");
        assert_ne!(
            a,
            builtin::load(id, &builtin::ToyOptions { seed: 4, ..o }).unwrap()
        );
        assert_eq!(a.rows, 101);
        assert_eq!(class_counts(&a), vec![51, 50], "{id}");
    }
    let sine = builtin::load("sine", &o).unwrap();
    assert_eq!(sine.columns.len(), 2);
    let bumps = builtin::load("bumps", &o).unwrap();
    assert_eq!(bumps.columns.len(), 3);
    assert!(builtin::load("circle", &builtin::ToyOptions { samples: 5, ..o }).is_err());
    assert!(builtin::load("circle", &builtin::ToyOptions { noise: -1.0, ..o }).is_err());
    let err = builtin::load("mnist", &o).unwrap_err();
    assert!(err.to_string().contains("mnist") && err.to_string().contains("iris"));
}

#[test]
fn circle_without_noise_is_separated_by_radius() {
    let t = builtin::load(
        "circle",
        &builtin::ToyOptions {
            seed: 1,
            noise: 0.0,
            samples: 200,
        },
    )
    .unwrap();
    let (ColumnValues::Numbers(x), ColumnValues::Numbers(y)) =
        (&t.columns[0].values, &t.columns[1].values)
    else {
        panic!()
    };
    let ColumnValues::Levels { codes, .. } = &t.columns[2].values else {
        panic!()
    };
    for i in 0..t.rows {
        let r = (x[i] * x[i] + y[i] * y[i]).sqrt();
        assert_eq!(codes[i] == 1, r > 0.6, "row {i} r {r}");
    }
    let p = prepare(&t, &PrepareOptions::default()).unwrap();
    assert_eq!(
        p.task,
        Task::Classification {
            classes: vec!["inside".into(), "outside".into()]
        }
    );
}
