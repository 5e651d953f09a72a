use super::*;

/// E.164 as the US would write it: `+…` as is, ten digits with the country code added.
fn us_phone(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    match (raw.trim().starts_with('+'), digits.len()) {
        (true, 8..=15) => Some(format!("+{digits}")),
        (false, 10) => Some(format!("+1{digits}")),
        _ => None,
    }
}

fn checked(csv: &str) -> Vec<CheckedRow> {
    let table = read(csv.as_bytes()).expect("readable");
    let mapping = guess_mapping(&table.headers);
    check_rows(&table, &mapping, &us_phone)
}

fn problems(csv: &str) -> Vec<Vec<Problem>> {
    checked(csv).into_iter().map(|r| r.problems).collect()
}

#[test]
fn bad_files_table() {
    let big = "name,email\n".to_string() + &"Maya,maya@x.example\n".repeat(MAX_BYTES / 20 + 1);
    let many = "name,email\n".to_string()
        + &(0..60_000)
            .map(|i| format!("C{i},c{i}@x.example\n"))
            .collect::<String>();
    let latin1: &[u8] = b"name,email\nJos\xe9,jose@x.example\n";
    let cases: Vec<(&[u8], FileError)> = vec![
        (big.as_bytes(), FileError::TooLarge { bytes: big.len() }),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", FileError::Binary),
        (latin1, FileError::NotUtf8 { line: 2 }),
        (b"", FileError::Empty),
        (b"name,email\n", FileError::Empty),
        (
            b"name,notes\nMaya,\"she said \"\"hi\"\"\"\nZoe,\"never closed\nLeo,x\n",
            FileError::UnterminatedQuote { line: 3 },
        ),
        (many.as_bytes(), FileError::TooManyRows { rows: 60_000 }),
    ];
    for (bytes, want) in cases {
        let got = read(bytes).err();
        assert_eq!(
            got.as_ref(),
            Some(&want),
            "{}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(40)])
        );
        assert!(!want.message().is_empty());
    }
}

#[test]
fn delimiters_bom_and_quotes() {
    for text in [
        "\u{feff}name,email,notes\nMaya López,maya@x.example,\"likes, commas\"\n",
        "name;email;notes\nMaya López;maya@x.example;likes, commas\n",
        "name\temail\tnotes\nMaya López\tmaya@x.example\tlikes, commas\n",
        "name,email,notes\r\n\r\nMaya López,maya@x.example,\"likes, commas\"\r\n",
    ] {
        let table = read(text.as_bytes()).unwrap();
        assert_eq!(table.headers, ["name", "email", "notes"], "{text:?}");
        assert_eq!(table.rows.len(), 1, "{text:?}");
        assert_eq!(
            table.rows[0].cells,
            ["Maya López", "maya@x.example", "likes, commas"]
        );
    }
    // A quoted field may span lines; the next row's line number follows it.
    let table = read(b"name,notes\nMaya,\"two\nlines\"\nZoe,x\n").unwrap();
    assert_eq!(table.rows[0].cells[1], "two\nlines");
    assert_eq!((table.rows[0].line, table.rows[1].line), (2, 4));
}

#[test]
fn mapping_is_guessed_from_headers() {
    let headers: Vec<String> = [
        "Full Name",
        "E-mail",
        "Mobile",
        "IG",
        "Tags",
        "Rate",
        "Notes",
        "Niche",
        "email",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(
        guess_mapping(&headers),
        [
            Column::Name,
            Column::Email,
            Column::Phone,
            Column::Instagram,
            Column::Tags,
            Column::Rate,
            Column::Notes,
            Column::Custom("Niche".into()),
            Column::Custom("email".into()),
            Column::Ignore,
        ]
    );
    assert!(check_mapping(&[Column::Name, Column::Email]).is_ok());
    assert!(check_mapping(&[Column::Email]).is_err());
    assert!(check_mapping(&[Column::Name, Column::Notes]).is_err());
    assert!(check_mapping(&[Column::Name, Column::Email, Column::Email]).is_err());
}

#[test]
fn row_problems_table() {
    let rows = problems(
        "name,email,phone,instagram,rate\n\
         Maya,maya@x.example,(415) 555-0100,@maya.makes,\"$2,000\"\n\
         Zoe,not-an-email,,,\n\
         Leo,,555-01,,\n\
         Ana,,,,\n\
         ,ana@x.example,,,\n\
         Maya again,MAYA@x.example,,,\n\
         Kai,kai@x.example,,,about 500\n\
         =HYPERLINK(\"http://x\"),eve@x.example,,,\n\
         Bo,bo@x.example,+44 20 7946 0958,,-1\n",
    );
    let want = vec![
        vec![],
        vec![Problem::InvalidEmail {
            value: "not-an-email".into(),
        }],
        vec![Problem::InvalidPhone {
            value: "555-01".into(),
        }],
        vec![Problem::NobodyToReach],
        vec![Problem::NoName],
        vec![Problem::DuplicateInFile { line: 2 }],
        vec![Problem::InvalidRate {
            value: "about 500".into(),
        }],
        vec![
            Problem::NoName,
            Problem::Formula {
                column: "name".into(),
            },
        ],
        vec![Problem::InvalidRate { value: "-1".into() }],
    ];
    assert_eq!(rows, want);
}

#[test]
fn a_valid_row_is_normalized() {
    let rows = checked(
        "Name,Email,Phone,Instagram,Tags,Rate,Notes,Niche\n\
         Maya López, Maya@X.example ,415.555.0100,https://www.instagram.com/Maya.Makes/,Beauty; skin|beauty,\"1,250.5 USD\",Fast replies,skincare\n",
    );
    assert_eq!(
        rows[0].creator,
        ImportedCreator {
            name: "Maya López".into(),
            handle: None,
            email: Some("maya@x.example".into()),
            phone: Some("+14155550100".into()),
            instagram: Some("maya.makes".into()),
            tags: vec!["beauty".into(), "skin".into()],
            rate_cents: Some(125_050),
            notes: "Fast replies".into(),
            custom: vec![("Niche".into(), "skincare".into())],
        }
    );
    assert!(rows[0].problems.is_empty());
}

#[test]
fn formulas_table() {
    for (cell, formula) in [
        ("=1+2", true),
        ("@SUM(A1)", true),
        ("+cmd|' /C calc'!A0", true),
        ("-2+3", true),
        ("\t=1", true),
        ("\r@x", true),
        ("+1 (415) 555-0100", false),
        ("-1", false),
        ("Maya", false),
        ("maya@x.example", false),
        ("@maya.makes", false),
    ] {
        assert_eq!(is_formula(cell), formula, "{cell:?}");
    }
}

#[test]
fn amounts_table() {
    for (cell, cents) in [
        ("2000", Some(200_000)),
        ("$2,000", Some(200_000)),
        ("1,250.50 USD", Some(125_050)),
        ("€ 99.9", Some(9_990)),
        ("1.234", None),
        ("", None),
        ("twenty", None),
        ("-5", None),
    ] {
        assert_eq!(amount_cents(cell), cents, "{cell:?}");
    }
}
