//! What can be wrong in a JSON file, whichever file it is: serde_json's syntax errors and serde's
//! data errors as kinds, and where they are. [`classify`] is the one place that reads serde's
//! (English) messages; everything else matches on [`JsonKind`].

use super::Lang;

/// A JSON value's type, as a message names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// Any integer.
    Integer,
    /// An integer ≥ 0 (serde's `u32`, `u64`…).
    UnsignedInteger,
    /// Any number (an integer or a decimal).
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
    /// A type serde names that none of the above is (rendered without naming it).
    Other,
}

impl ValueType {
    fn zh(self) -> &'static str {
        match self {
            ValueType::Null => "空值 null",
            ValueType::Bool => "布尔值",
            ValueType::Integer => "整数",
            ValueType::UnsignedInteger => "非负整数",
            ValueType::Number => "数字",
            ValueType::String => "字符串",
            ValueType::Array => "数组",
            ValueType::Object => "对象",
            ValueType::Other => "其他类型",
        }
    }

    /// The type of a JSON value.
    pub fn of(v: &serde_json::Value) -> ValueType {
        use serde_json::Value;
        match v {
            Value::Null => ValueType::Null,
            Value::Bool(_) => ValueType::Bool,
            Value::Number(n) if n.is_i64() || n.is_u64() => ValueType::Integer,
            Value::Number(_) => ValueType::Number,
            Value::String(_) => ValueType::String,
            Value::Array(_) => ValueType::Array,
            Value::Object(_) => ValueType::Object,
        }
    }
}

/// A JSON syntax error (the text is not JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxKind {
    /// A key not followed by `:`.
    ExpectedColon,
    /// An array element followed by neither `,` nor `]`.
    ExpectedCommaOrBracket,
    /// An object member followed by neither `,` nor `}`.
    ExpectedCommaOrBrace,
    /// A bare word other than `true`, `false`, `null`.
    ExpectedLiteral,
    /// Nothing that starts a value where one must be (or an empty file's end).
    ExpectedValue,
    /// An object key that is not a quoted string.
    KeyMustBeString,
    /// A backslash escape JSON does not have.
    InvalidEscape,
    /// A number JSON does not allow (`01`, `1.`, `.5`).
    InvalidNumber,
    /// A number too large to read.
    NumberOutOfRange,
    /// A `\u` escape that is no character (a lone surrogate).
    InvalidUnicode,
    /// A raw control character (a newline, a tab) inside a string.
    ControlCharacter,
    /// A comma just before `]` or `}`.
    TrailingComma,
    /// Text after the end of the JSON value.
    TrailingCharacters,
    /// Arrays and objects nested deeper than the reader allows (128 levels).
    TooDeep,
    /// A syntax error none of the above names.
    Other,
}

impl SyntaxKind {
    fn zh(self) -> &'static str {
        match self {
            SyntaxKind::ExpectedColon => "应为“:”",
            SyntaxKind::ExpectedCommaOrBracket => "应为“,”或“]”",
            SyntaxKind::ExpectedCommaOrBrace => "应为“,”或“}”",
            SyntaxKind::ExpectedLiteral => "无法识别的词（应为 true、false 或 null）",
            SyntaxKind::ExpectedValue => "应为一个值",
            SyntaxKind::KeyMustBeString => "键应为带引号的字符串",
            SyntaxKind::InvalidEscape => "转义字符无效",
            SyntaxKind::InvalidNumber => "数字写法无效",
            SyntaxKind::NumberOutOfRange => "数字超出范围",
            SyntaxKind::InvalidUnicode => "Unicode 转义无效",
            SyntaxKind::ControlCharacter => "字符串中有控制字符",
            SyntaxKind::TrailingComma => "多余的逗号",
            SyntaxKind::TrailingCharacters => "JSON 结束后还有多余的字符",
            SyntaxKind::TooDeep => "嵌套层数过多",
            SyntaxKind::Other => "无法解析",
        }
    }
}

/// What is wrong with a JSON file as JSON, or with a value against the file's shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonKind {
    /// The text is not JSON.
    Syntax(SyntaxKind),
    /// Empty or cut short.
    Eof,
    /// A field the object does not have: every object of these files refuses unknown fields.
    UnknownField {
        /// The field, as written.
        field: String,
    },
    /// A required field is absent.
    MissingField {
        /// The field's name.
        field: String,
    },
    /// A field given twice in one object.
    DuplicateField {
        /// The field, as written.
        field: String,
    },
    /// `expected`: `None` when serde names a type none of [`ValueType`] is.
    WrongType {
        /// The type the field takes.
        expected: Option<ValueType>,
        /// The type given.
        found: ValueType,
        /// The value given, when it is short enough to show (a string or number).
        value: Option<String>,
    },
    /// The right type, a value out of its range (`-1` where a count is).
    InvalidValue {
        /// The type whose range the value misses.
        expected: Option<ValueType>,
        /// The value given.
        value: String,
    },
    /// An array of the wrong length (a `columns` entry that is not a pair).
    InvalidLength {
        /// The length the field takes, when serde says.
        expected: Option<usize>,
        /// The length given.
        found: usize,
    },
    /// A name that is not one of the choices.
    UnknownVariant {
        /// The value given.
        value: String,
        /// The names accepted (empty when serde lists none).
        expected: Vec<String>,
    },
    /// A string that is not a decimal number.
    NotANumber {
        /// The string given.
        value: String,
    },
    /// A number beyond ±[`crate::ratio::MAX_MAGNITUDE`] (a rule file's weights, scores, bounds).
    OutOfRange {
        /// The number as written.
        value: String,
    },
    /// A number with more than [`crate::ratio::MAX_DECIMALS`] decimals.
    TooManyDecimals {
        /// The number as written.
        value: String,
    },
    /// A string that is not a month (`2021-02`).
    NotAMonth {
        /// The string given.
        value: String,
    },
    /// A value that fits none of the forms a field takes (a number or `"full_score"`).
    NoMatchingForm,
    /// Anything else serde reports; `detail` is serde's text, kept for debugging, never shown.
    Other {
        /// serde's own text.
        detail: String,
    },
}

impl JsonKind {
    /// The message in `lang`, without the where (each file's error adds it).
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => self.zh(),
        }
    }

    fn zh(&self) -> String {
        let list = |v: &[String]| v.join(", ");
        match self {
            JsonKind::Syntax(s) => format!("JSON 语法错误：{}", s.zh()),
            JsonKind::Eof => "文件不完整（为空或被截断）".into(),
            JsonKind::UnknownField { field } => format!("未知字段“{field}”"),
            JsonKind::MissingField { field } => format!("缺少字段“{field}”"),
            JsonKind::DuplicateField { field } => format!("字段“{field}”重复"),
            JsonKind::WrongType { expected, found, value } => {
                let value = value.as_ref().map(|v| format!(" “{v}”")).unwrap_or_default();
                match expected {
                    Some(e) => format!("类型不对：应为{}，实际是{}{value}", e.zh(), found.zh()),
                    None => format!("类型不对：实际是{}{value}", found.zh()),
                }
            }
            JsonKind::InvalidValue { expected, value } => match expected {
                Some(e) => format!("取值无效：应为{}，实际是 {value}", e.zh()),
                None => format!("取值无效：{value}"),
            },
            JsonKind::InvalidLength { expected, found } => match expected {
                Some(e) => format!("长度不对：应为 {e} 项，实际 {found} 项"),
                None => format!("长度不对：实际 {found} 项"),
            },
            JsonKind::UnknownVariant { value, expected } if expected.is_empty() => {
                format!("无法识别的取值“{value}”")
            }
            JsonKind::UnknownVariant { value, expected } => {
                format!("无法识别的取值“{value}”；可用：{}", list(expected))
            }
            JsonKind::NotANumber { value } => format!("应为数字，实际是 “{value}”"),
            JsonKind::OutOfRange { value } => {
                let max = crate::ratio::MAX_MAGNITUDE;
                format!("{value} 超出范围（−{max}–{max}）")
            }
            JsonKind::TooManyDecimals { value } => {
                format!("{value} 的小数超过 {} 位", crate::ratio::MAX_DECIMALS)
            }
            JsonKind::NotAMonth { value } => format!("应为月份（如 2021-02），实际是 “{value}”"),
            JsonKind::NoMatchingForm => "取值不符合该字段的任何一种写法".into(),
            JsonKind::Other { .. } => "内容无法读取".into(),
        }
    }
}

/// Where in a JSON file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonLocation {
    /// A field path, `items[2].weight`; empty: the file as a whole.
    Field(String),
    /// Line and column (both from 1) of a syntax error.
    Text {
        /// The line, from 1.
        line: usize,
        /// The column, from 1.
        column: usize,
    },
}

impl JsonLocation {
    /// `规则文件 items[2].weight：`, `规则文件第 3 行第 17 列：`, `规则文件：`.
    pub(crate) fn zh_prefix(&self, file: &str) -> String {
        match self {
            JsonLocation::Field(p) if p.is_empty() => format!("{file}："),
            JsonLocation::Field(p) => format!("{file} {p}："),
            JsonLocation::Text { line, column } => format!("{file}第 {line} 行第 {column} 列："),
        }
    }
}

/// The location of a serde_json error read through `serde_path_to_error`: the line and column
/// of a syntax error, else the field path (`.` for the root becomes empty).
pub(crate) fn location(path: &serde_path_to_error::Path, e: &serde_json::Error) -> JsonLocation {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io if e.line() > 0 => {
            JsonLocation::Text { line: e.line(), column: e.column().max(1) }
        }
        _ => {
            let p = path.to_string();
            JsonLocation::Field(if p == "." { String::new() } else { p })
        }
    }
}

/// Reads a whole JSON text as `T` (nothing but whitespace after it), with the kind and location
/// of the first error.
pub(crate) fn read<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, (JsonKind, JsonLocation)> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut *de)
        .map_err(|e| (classify(e.inner()), location(e.path(), e.inner())))?;
    de.end().map_err(|e| (classify(&e), JsonLocation::Text { line: e.line(), column: e.column().max(1) }))?;
    Ok(value)
}

/// The kind of a serde_json error. The only place that reads serde's messages.
pub(crate) fn classify(e: &serde_json::Error) -> JsonKind {
    use serde_json::error::Category;
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let msg = if e.line() > 0 { text.strip_suffix(&suffix).unwrap_or(&text) } else { &text };
    match e.classify() {
        Category::Eof => JsonKind::Eof,
        Category::Syntax | Category::Io => JsonKind::Syntax(syntax(msg)),
        Category::Data => data(msg),
    }
}

fn syntax(msg: &str) -> SyntaxKind {
    match msg {
        "expected `:`" => SyntaxKind::ExpectedColon,
        "expected `,` or `]`" => SyntaxKind::ExpectedCommaOrBracket,
        "expected `,` or `}`" => SyntaxKind::ExpectedCommaOrBrace,
        "expected ident" => SyntaxKind::ExpectedLiteral,
        "expected value" => SyntaxKind::ExpectedValue,
        "key must be a string" => SyntaxKind::KeyMustBeString,
        "invalid escape" => SyntaxKind::InvalidEscape,
        "invalid number" => SyntaxKind::InvalidNumber,
        "number out of range" => SyntaxKind::NumberOutOfRange,
        "invalid unicode code point"
        | "lone leading surrogate in hex escape"
        | "unexpected end of hex escape" => SyntaxKind::InvalidUnicode,
        "control character (\\u0000-\\u001F) found while parsing a string" => SyntaxKind::ControlCharacter,
        "trailing comma" => SyntaxKind::TrailingComma,
        "trailing characters" => SyntaxKind::TrailingCharacters,
        "recursion limit exceeded" => SyntaxKind::TooDeep,
        _ => SyntaxKind::Other,
    }
}

/// The first `` `name` `` of a message.
fn ticked(s: &str) -> Option<&str> {
    let (_, rest) = s.split_once('`')?;
    rest.split_once('`').map(|(name, _)| name)
}

/// Every `` `name` `` of a message, in order.
fn all_ticked(s: &str) -> Vec<String> {
    s.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// serde's `expected …` as a type.
fn expected_type(exp: &str) -> Option<ValueType> {
    let exp = exp.trim();
    Some(match exp {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => ValueType::UnsignedInteger,
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => ValueType::Integer,
        "f32" | "f64" | "a number" => ValueType::Number,
        "a string" | "a borrowed string" | "a character" | "char" | "string or map" => ValueType::String,
        "a boolean" => ValueType::Bool,
        "a sequence" => ValueType::Array,
        "a map" | "map" => ValueType::Object,
        _ if exp.starts_with("a tuple") || exp.starts_with("tuple struct") => ValueType::Array,
        _ if exp.starts_with("struct ") => ValueType::Object,
        _ => return None,
    })
}

/// serde's `Unexpected` text (`string "1"`, ``integer `1` ``, `map`) as a type and value.
fn found(un: &str) -> (ValueType, Option<String>) {
    let un = un.trim();
    let tick = || ticked(un).map(str::to_string);
    if let Some(s) = un.strip_prefix("string ") {
        let s = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(s);
        return (ValueType::String, Some(s.replace("\\\"", "\"").replace("\\\\", "\\")));
    }
    match un.split(' ').next().unwrap_or("") {
        "boolean" => (ValueType::Bool, tick()),
        "integer" => (ValueType::Integer, tick()),
        "floating" => (ValueType::Number, tick()),
        "sequence" => (ValueType::Array, None),
        "map" => (ValueType::Object, None),
        "unit" | "null" => (ValueType::Null, None),
        "character" => (ValueType::String, tick()),
        _ => (ValueType::Other, None),
    }
}

fn data(msg: &str) -> JsonKind {
    let field = |s: &str| ticked(s).unwrap_or("").to_string();
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        JsonKind::UnknownField { field: field(rest) }
    } else if let Some(rest) = msg.strip_prefix("missing field ") {
        JsonKind::MissingField { field: field(rest) }
    } else if let Some(rest) = msg.strip_prefix("duplicate field ") {
        JsonKind::DuplicateField { field: field(rest) }
    } else if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let value = field(rest);
        let expected = rest.split_once(", expected").map(|(_, e)| all_ticked(e)).unwrap_or_default();
        JsonKind::UnknownVariant { value, expected }
    } else if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (un, exp) = rest.rsplit_once(", expected ").unwrap_or((rest, ""));
        let (found, value) = found(un);
        JsonKind::WrongType { expected: expected_type(exp), found, value }
    } else if let Some(rest) = msg.strip_prefix("invalid value: ") {
        let (un, exp) = rest.rsplit_once(", expected ").unwrap_or((rest, ""));
        let (_, value) = found(un);
        JsonKind::InvalidValue { expected: expected_type(exp), value: value.unwrap_or_default() }
    } else if let Some(rest) = msg.strip_prefix("invalid length ") {
        let (len, exp) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let size = exp.rsplit(' ').next().and_then(|n| n.parse().ok());
        JsonKind::InvalidLength { expected: size, found: len.trim().parse().unwrap_or(0) }
    } else if let Some(v) = msg.strip_prefix(NOT_A_NUMBER) {
        JsonKind::NotANumber { value: v.to_string() }
    } else if let Some(v) = msg.strip_prefix(OUT_OF_RANGE) {
        JsonKind::OutOfRange { value: v.to_string() }
    } else if let Some(v) = msg.strip_prefix(TOO_MANY_DECIMALS) {
        JsonKind::TooManyDecimals { value: v.to_string() }
    } else if let Some(v) = msg.strip_prefix(NOT_A_MONTH) {
        JsonKind::NotAMonth { value: v.to_string() }
    } else if msg.starts_with("data did not match any variant of untagged enum") {
        JsonKind::NoMatchingForm
    } else {
        JsonKind::Other { detail: msg.to_string() }
    }
}

/// The custom messages of the engine's own deserializers (`Ratio`, `Dec`, `Month`).
const NOT_A_NUMBER: &str = "not a number: ";
const NOT_A_MONTH: &str = "not a month: ";
pub(crate) const OUT_OF_RANGE: &str = "out of range: ";
pub(crate) const TOO_MANY_DECIMALS: &str = "too many decimals: ";

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};
    use serde::Deserialize;

    #[allow(dead_code)]
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Shape {
        count: u32,
        name: Option<String>,
        flag: Option<bool>,
        pair: Option<(String, u32)>,
        choice: Option<Choice>,
        ratio: Option<crate::ratio::Ratio>,
        month: Option<crate::time::Month>,
        list: Option<Vec<u32>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Choice {
        Fraction,
        Percent,
    }

    /// The kind and location of the error reading `json` as a `Shape`, and the Chinese.
    fn check(json: &str, expect: Expect) {
        let (kind, at) = read::<Shape>(json).unwrap_err();
        expect.assert_eq(&format!("{kind:?} at {at:?}\n{}{}", at.zh_prefix("文件"), kind.render(Lang::Zh)));
    }

    #[test]
    fn syntax_errors_say_line_and_column() {
        check(
            "{\n  \"count\": 1\n  \"name\": \"x\"}",
            expect![[r#"
                Syntax(ExpectedCommaOrBrace) at Text { line: 3, column: 3 }
                文件第 3 行第 3 列：JSON 语法错误：应为“,”或“}”"#]],
        );
        check(
            "{\"count\": 1,}",
            expect![[r#"
                Syntax(TrailingComma) at Text { line: 1, column: 13 }
                文件第 1 行第 13 列：JSON 语法错误：多余的逗号"#]],
        );
        check(
            "{\"count\": tru}",
            expect![[r#"
                Syntax(ExpectedLiteral) at Text { line: 1, column: 14 }
                文件第 1 行第 14 列：JSON 语法错误：无法识别的词（应为 true、false 或 null）"#]],
        );
        check(
            "{\"count\": 1} x",
            expect![[r#"
                Syntax(TrailingCharacters) at Text { line: 1, column: 14 }
                文件第 1 行第 14 列：JSON 语法错误：JSON 结束后还有多余的字符"#]],
        );
        check(
            "{\"count\": ",
            expect![[r#"
                Eof at Text { line: 1, column: 10 }
                文件第 1 行第 10 列：文件不完整（为空或被截断）"#]],
        );
        check(
            "",
            expect![[r#"
                Eof at Text { line: 1, column: 1 }
                文件第 1 行第 1 列：文件不完整（为空或被截断）"#]],
        );
    }

    #[test]
    fn data_errors_name_the_field() {
        check(
            r#"{"count": 1, "colour": 2}"#,
            expect![[r#"
                UnknownField { field: "colour" } at Field("colour")
                文件 colour：未知字段“colour”"#]],
        );
        check(
            r#"{"name": "x"}"#,
            expect![[r#"
                MissingField { field: "count" } at Field("")
                文件：缺少字段“count”"#]],
        );
        check(
            r#"{"count": 1, "count": 2}"#,
            expect![[r#"
                DuplicateField { field: "count" } at Field("")
                文件：字段“count”重复"#]],
        );
        check(
            r#"{"count": "1"}"#,
            expect![[r#"
                WrongType { expected: Some(UnsignedInteger), found: String, value: Some("1") } at Field("count")
                文件 count：类型不对：应为非负整数，实际是字符串 “1”"#]],
        );
        check(
            r#"{"count": 1, "name": 5}"#,
            expect![[r#"
                WrongType { expected: Some(String), found: Integer, value: Some("5") } at Field("name")
                文件 name：类型不对：应为字符串，实际是整数 “5”"#]],
        );
        check(
            r#"{"count": 1, "flag": {}}"#,
            expect![[r#"
                WrongType { expected: Some(Bool), found: Object, value: None } at Field("flag")
                文件 flag：类型不对：应为布尔值，实际是对象"#]],
        );
        check(
            r#"{"count": 1, "list": [1, 2.5]}"#,
            expect![[r#"
                WrongType { expected: Some(UnsignedInteger), found: Number, value: Some("2.5") } at Field("list[1]")
                文件 list[1]：类型不对：应为非负整数，实际是数字 “2.5”"#]],
        );
        check(
            r#"{"count": -1}"#,
            expect![[r#"
                InvalidValue { expected: Some(UnsignedInteger), value: "-1" } at Field("count")
                文件 count：取值无效：应为非负整数，实际是 -1"#]],
        );
        check(
            r#"{"count": 1, "pair": ["a"]}"#,
            expect![[r#"
                InvalidLength { expected: Some(2), found: 1 } at Field("pair")
                文件 pair：长度不对：应为 2 项，实际 1 项"#]],
        );
        check(
            r#"{"count": 1, "choice": "fractoin"}"#,
            expect![[r#"
                UnknownVariant { value: "fractoin", expected: ["fraction", "percent"] } at Field("choice")
                文件 choice：无法识别的取值“fractoin”；可用：fraction, percent"#]],
        );
        check(
            r#"{"count": 1, "ratio": "abc"}"#,
            expect![[r#"
                NotANumber { value: "abc" } at Field("ratio")
                文件 ratio：应为数字，实际是 “abc”"#]],
        );
        check(
            r#"{"count": 1, "month": "Feb"}"#,
            expect![[r#"
                NotAMonth { value: "Feb" } at Field("month")
                文件 month：应为月份（如 2021-02），实际是 “Feb”"#]],
        );
    }
}
