//! A small reader of the SQL the two engines hand back about their schema (SQLite's
//! `CREATE TABLE` and `CREATE INDEX` text as written, PostgreSQL's `pg_get_expr` and
//! `pg_get_indexdef` as it prints them), and one canonical spelling of expressions, so
//! that a constraint written for SQLite and the same one as PostgreSQL prints it back
//! compare equal: `kind IN ('a', 'b')` and `(kind = ANY (ARRAY['a'::text, 'b'::text]))`
//! both read `kind in ('a', 'b')`.
//!
//! It understands the expressions migrations use (comparisons, IN lists, IS NULL, AND,
//! OR, NOT, arithmetic, function calls, casts). Anything else is an error naming the
//! text, never a guess: a constraint the reader cannot spell would otherwise compare
//! equal or unequal by accident.

use std::fmt::Write as _;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// A bare word, lower-cased: both engines fold unquoted names, and keywords are words.
    Word(String),
    /// A quoted name (`"x"`, `` `x` ``, `[x]`), kept as written.
    Quoted(String),
    Str(String),
    Num(String),
    Punct(&'static str),
}

/// Longest first, so that `<=` is not read as `<` then `=`.
const PUNCTUATION: &[&str] = &[
    "!~~*", "!~~", "~~*", "::", "<>", "!=", "<=", ">=", "==", "||", "<<", ">>", "~~", "(", ")",
    ",", ".", "[", "]", "=", "<", ">", "+", "-", "*", "/", "%", ";",
];

fn tokenize(sql: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = sql.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    // Reads up to the closing `close`, a doubled `close` standing for itself.
    let quoted = |start: usize, close: char| -> Result<(String, usize), String> {
        let mut text = String::new();
        let mut j = start;
        loop {
            match chars.get(j) {
                None => return Err(format!("unterminated quote in {sql:?}")),
                Some(&c) if c == close && chars.get(j + 1) == Some(&close) => {
                    text.push(close);
                    j += 2;
                }
                Some(&c) if c == close => return Ok((text, j + 1)),
                Some(&c) => {
                    text.push(c);
                    j += 1;
                }
            }
        }
    };
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && next == Some('-') {
            while chars.get(i).is_some_and(|&c| c != '\n') {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while chars.get(i).is_some() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if c == '\'' {
            let (text, end) = quoted(i + 1, '\'')?;
            tokens.push(Token::Str(text));
            i = end;
        } else if c == '"' || c == '`' {
            let (text, end) = quoted(i + 1, c)?;
            tokens.push(Token::Quoted(text));
            i = end;
        } else if c == '['
            && next != Some(']')
            && !matches!(tokens.last(), Some(Token::Word(word)) if word == "array")
        {
            // SQLite's [name] quoting; PostgreSQL's brackets follow ARRAY or close `[]`.
            let (text, end) = quoted(i + 1, ']')?;
            tokens.push(Token::Quoted(text));
            i = end;
        } else if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|&c| c.is_ascii_alphanumeric() || c == '.')
            {
                i += 1;
            }
            tokens.push(Token::Num(chars[start..i].iter().collect()));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|&c| c.is_alphanumeric() || c == '_' || c == '$')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            tokens.push(Token::Word(word.to_lowercase()));
        } else {
            let rest: String = chars[i..chars.len().min(i + 4)].iter().collect();
            let Some(punct) = PUNCTUATION.iter().find(|p| rest.starts_with(**p)) else {
                return Err(format!("unexpected {c:?} in {sql:?}"));
            };
            tokens.push(Token::Punct(punct));
            i += punct.chars().count();
        }
    }
    Ok(tokens)
}

/// An expression as read, casts already folded away (see [`cast`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Name(String),
    Str(String),
    Num(String),
    Bool(bool),
    Null,
    /// `CURRENT_TIMESTAMP` and its kin, which take no parentheses.
    Special(String),
    Star,
    Call(String, Vec<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(String, Box<Expr>, Box<Expr>),
    /// AND or OR over two or more operands, nested chains of the same kind flattened.
    Chain(&'static str, Vec<Expr>),
    In {
        expr: Box<Expr>,
        values: Vec<Expr>,
        negated: bool,
    },
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    Array(Vec<Expr>),
}

impl Expr {
    /// The canonical spelling: lower-case keywords, no quotes around names, no casts,
    /// every compound inside parentheses of its own, and IN lists sorted without
    /// repeats (an IN list is a set).
    pub(crate) fn canonical(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, false);
        out
    }

    fn write(&self, out: &mut String, nested: bool) {
        let open = |out: &mut String| {
            if nested {
                out.push('(');
            }
        };
        let close = |out: &mut String| {
            if nested {
                out.push(')');
            }
        };
        match self {
            Expr::Name(name) => out.push_str(name),
            Expr::Str(text) => {
                let _ = write!(out, "'{}'", text.replace('\'', "''"));
            }
            Expr::Num(number) => out.push_str(number),
            Expr::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Expr::Null => out.push_str("null"),
            Expr::Special(word) => out.push_str(word),
            Expr::Star => out.push('*'),
            Expr::Call(name, args) => {
                out.push_str(name);
                out.push('(');
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    arg.write(out, true);
                }
                out.push(')');
            }
            Expr::Not(inner) => {
                open(out);
                out.push_str("not ");
                inner.write(out, true);
                close(out);
            }
            Expr::Neg(inner) => {
                open(out);
                out.push('-');
                inner.write(out, true);
                close(out);
            }
            Expr::Binary(op, left, right) => {
                open(out);
                left.write(out, true);
                let _ = write!(out, " {op} ");
                right.write(out, true);
                close(out);
            }
            Expr::Chain(op, operands) => {
                open(out);
                for (i, operand) in operands.iter().enumerate() {
                    if i > 0 {
                        let _ = write!(out, " {op} ");
                    }
                    operand.write(out, true);
                }
                close(out);
            }
            Expr::In {
                expr,
                values,
                negated,
            } => {
                open(out);
                expr.write(out, true);
                out.push_str(if *negated { " not in (" } else { " in (" });
                let mut values: Vec<String> = values.iter().map(|value| value.nested()).collect();
                values.sort();
                values.dedup();
                out.push_str(&values.join(", "));
                out.push(')');
                close(out);
            }
            Expr::IsNull { expr, negated } => {
                open(out);
                expr.write(out, true);
                out.push_str(if *negated { " is not null" } else { " is null" });
                close(out);
            }
            Expr::Array(values) => {
                out.push_str("array[");
                let values: Vec<String> = values.iter().map(|value| value.nested()).collect();
                out.push_str(&values.join(", "));
                out.push(']');
            }
        }
    }

    fn nested(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, true);
        out
    }

    /// The operands of a top-level AND, or the expression alone: `CHECK (a AND b)` says
    /// what `CHECK (a)` and `CHECK (b)` say.
    pub(crate) fn conjuncts(self) -> Vec<Expr> {
        match self {
            Expr::Chain("and", operands) => operands,
            other => vec![other],
        }
    }
}

/// Words that end or join expressions, refused as names so that a text the reader does
/// not follow is an error rather than a misreading.
const RESERVED: &[&str] = &[
    "and", "or", "not", "in", "is", "like", "between", "select", "case", "when", "then", "else",
    "end", "as", "from", "where", "on", "using", "asc", "desc", "distinct", "exists", "collate",
    "escape", "glob", "any", "all", "some",
];

const NUMERIC_TYPES: &[&str] = &[
    "smallint",
    "integer",
    "bigint",
    "int",
    "int2",
    "int4",
    "int8",
    "numeric",
    "real",
    "double precision",
];

/// Drops a cast, which only PostgreSQL spells out (`'a'::text`, `(0)::bigint`), keeping
/// what it says of a literal: `'-1'::integer` is the number -1, `'t'::boolean` is true.
fn cast(expr: Expr, type_name: &str) -> Expr {
    match expr {
        Expr::Str(text) if NUMERIC_TYPES.contains(&type_name) && text.parse::<f64>().is_ok() => {
            Expr::Num(text)
        }
        Expr::Str(text) if type_name == "boolean" || type_name == "bool" => {
            match text.to_lowercase().as_str() {
                "t" | "true" => Expr::Bool(true),
                "f" | "false" => Expr::Bool(false),
                _ => Expr::Str(text),
            }
        }
        other => other,
    }
}

fn chain(op: &'static str, left: Expr, right: Expr) -> Expr {
    let mut operands = Vec::new();
    for side in [left, right] {
        match side {
            Expr::Chain(inner, more) if inner == op => operands.extend(more),
            other => operands.push(other),
        }
    }
    Expr::Chain(op, operands)
}

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    /// The whole text, for error messages.
    sql: &'a str,
}

impl<'a> Parser<'a> {
    fn new(tokens: &'a [Token], sql: &'a str) -> Self {
        Self {
            tokens,
            pos: 0,
            sql,
        }
    }

    fn error(&self, what: &str) -> String {
        match self.tokens.get(self.pos) {
            Some(token) => format!("{what} at {token:?} in {:?}", self.sql),
            None => format!("{what} at the end of {:?}", self.sql),
        }
    }

    fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos)
    }

    fn is_word_at(&self, offset: usize, word: &str) -> bool {
        matches!(self.tokens.get(self.pos + offset), Some(Token::Word(w)) if w == word)
    }

    fn is_word(&self, word: &str) -> bool {
        self.is_word_at(0, word)
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let found = self.is_word(word);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect_word(&mut self, word: &str) -> Result<(), String> {
        if self.eat_word(word) {
            Ok(())
        } else {
            Err(self.error(&format!("expected {word}")))
        }
    }

    fn is_punct(&self, punct: &str) -> bool {
        matches!(self.peek(), Some(Token::Punct(p)) if *p == punct)
    }

    fn eat_punct(&mut self, punct: &str) -> bool {
        let found = self.is_punct(punct);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect_punct(&mut self, punct: &str) -> Result<(), String> {
        if self.eat_punct(punct) {
            Ok(())
        } else {
            Err(self.error(&format!("expected {punct:?}")))
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    /// A name, quoted or not, possibly qualified (`public.rooms`).
    fn name(&mut self) -> Result<String, String> {
        let mut parts = vec![self.name_part()?];
        while self.eat_punct(".") {
            parts.push(self.name_part()?);
        }
        Ok(parts.join("."))
    }

    fn name_part(&mut self) -> Result<String, String> {
        match self.peek() {
            Some(Token::Word(word)) if !RESERVED.contains(&word.as_str()) => {
                self.pos += 1;
                Ok(word.clone())
            }
            // SQLite takes 'name' for a name where no string can be, and names the
            // FTS5 shadow tables so.
            Some(Token::Quoted(name) | Token::Str(name)) => {
                self.pos += 1;
                Ok(name.clone())
            }
            _ => Err(self.error("expected a name")),
        }
    }

    /// Skips a balanced parenthesised group, the opening parenthesis being next.
    fn skip_group(&mut self) -> Result<(), String> {
        self.expect_punct("(")?;
        let mut depth = 1;
        while depth > 0 {
            match self.peek() {
                None => return Err(self.error("unbalanced parentheses")),
                Some(Token::Punct("(")) => depth += 1,
                Some(Token::Punct(")")) => depth -= 1,
                Some(_) => {}
            }
            self.pos += 1;
        }
        Ok(())
    }

    fn type_name(&mut self) -> Result<String, String> {
        let mut words = vec![self.name_part()?];
        while let Some(Token::Word(word)) = self.peek() {
            if !["precision", "varying", "with", "without", "time", "zone"].contains(&word.as_str())
            {
                break;
            }
            words.push(word.clone());
            self.pos += 1;
        }
        if self.is_punct("(") {
            self.skip_group()?;
        }
        let mut name = words.join(" ");
        while self.eat_punct("[") {
            self.expect_punct("]")?;
            name.push_str("[]");
        }
        Ok(name)
    }

    fn list(&mut self, close: &str) -> Result<Vec<Expr>, String> {
        let mut items = Vec::new();
        if self.eat_punct(close) {
            return Ok(items);
        }
        loop {
            items.push(self.expr()?);
            if self.eat_punct(close) {
                return Ok(items);
            }
            self.expect_punct(",")?;
        }
    }

    fn expr(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.eat_word("or") {
            let right = self.and()?;
            left = chain("or", left, right);
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.not()?;
        while self.eat_word("and") {
            let right = self.not()?;
            left = chain("and", left, right);
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, String> {
        if self.eat_word("not") {
            Ok(Expr::Not(Box::new(self.not()?)))
        } else {
            self.comparison()
        }
    }

    fn comparison(&mut self) -> Result<Expr, String> {
        let left = self.additive()?;
        if self.eat_word("is") {
            let negated = self.eat_word("not");
            if self.eat_word("null") {
                return Ok(Expr::IsNull {
                    expr: Box::new(left),
                    negated,
                });
            }
            let op = if negated { "is not" } else { "is" };
            let right = match self.peek() {
                Some(Token::Word(word)) if word == "true" || word == "false" => self.primary()?,
                _ => return Err(self.error("expected NULL, TRUE or FALSE after IS")),
            };
            return Ok(Expr::Binary(op.to_owned(), Box::new(left), Box::new(right)));
        }
        if self.eat_word("isnull") {
            return Ok(Expr::IsNull {
                expr: Box::new(left),
                negated: false,
            });
        }
        if self.eat_word("notnull") {
            return Ok(Expr::IsNull {
                expr: Box::new(left),
                negated: true,
            });
        }
        let negated = self.is_word("not")
            && ["in", "like", "between"]
                .iter()
                .any(|word| self.is_word_at(1, word));
        if negated {
            self.pos += 1;
        }
        if self.eat_word("in") {
            self.expect_punct("(")?;
            let values = self.list(")")?;
            return Ok(Expr::In {
                expr: Box::new(left),
                values,
                negated,
            });
        }
        if self.eat_word("like") {
            let op = if negated { "not like" } else { "like" };
            let right = self.additive()?;
            return Ok(Expr::Binary(op.to_owned(), Box::new(left), Box::new(right)));
        }
        if self.eat_word("between") {
            // PostgreSQL prints BETWEEN as the two comparisons it stands for.
            let low = self.additive()?;
            self.expect_word("and")?;
            let high = self.additive()?;
            let (op, below, above) = if negated {
                ("or", "<", ">")
            } else {
                ("and", ">=", "<=")
            };
            return Ok(chain(
                op,
                Expr::Binary(below.to_owned(), Box::new(left.clone()), Box::new(low)),
                Expr::Binary(above.to_owned(), Box::new(left), Box::new(high)),
            ));
        }
        let op = match self.peek() {
            Some(Token::Punct(op @ ("=" | "==" | "<>" | "!=" | "<" | "<=" | ">" | ">=")))
            | Some(Token::Punct(op @ ("~~" | "!~~"))) => *op,
            _ => return Ok(left),
        };
        self.pos += 1;
        let op = match op {
            "==" => "=",
            "!=" => "<>",
            "~~" => "like",
            "!~~" => "not like",
            op => op,
        };
        let quantifier = ["any", "some", "all"].into_iter().find(|word| {
            self.is_word(word) && matches!(self.tokens.get(self.pos + 1), Some(Token::Punct("(")))
        });
        if let Some(quantifier) = quantifier {
            // How PostgreSQL keeps `x IN (…)` and `x NOT IN (…)`.
            self.pos += 1;
            self.expect_punct("(")?;
            let array = self.expr()?;
            self.expect_punct(")")?;
            let negated = match (op, quantifier) {
                ("=", "any" | "some") => false,
                ("<>", "all") => true,
                _ => return Err(self.error(&format!("cannot read {op} {quantifier}"))),
            };
            let Expr::Array(values) = array else {
                return Err(self.error(&format!("{quantifier} needs an ARRAY[…]")));
            };
            return Ok(Expr::In {
                expr: Box::new(left),
                values,
                negated,
            });
        }
        let right = self.additive()?;
        Ok(Expr::Binary(op.to_owned(), Box::new(left), Box::new(right)))
    }

    /// `+`, `-` and, at the same level here, the operators PostgreSQL ranks just below
    /// them (`||`, the bit shifts): both engines print what they group in parentheses.
    fn additive(&mut self) -> Result<Expr, String> {
        let mut left = self.multiplicative()?;
        loop {
            let op = match self.peek() {
                Some(Token::Punct(op @ ("+" | "-" | "||" | "<<" | ">>"))) => *op,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.multiplicative()?;
            left = Expr::Binary(op.to_owned(), Box::new(left), Box::new(right));
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(Token::Punct(op @ ("*" | "/" | "%"))) => *op,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.unary()?;
            left = Expr::Binary(op.to_owned(), Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat_punct("-") {
            return Ok(match self.unary()? {
                Expr::Num(number) => match number.strip_prefix('-') {
                    Some(positive) => Expr::Num(positive.to_owned()),
                    None => Expr::Num(format!("-{number}")),
                },
                other => Expr::Neg(Box::new(other)),
            });
        }
        if self.eat_punct("+") {
            return self.unary();
        }
        let mut expr = self.primary()?;
        while self.eat_punct("::") {
            let type_name = self.type_name()?;
            expr = cast(expr, &type_name);
        }
        Ok(expr)
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let Some(token) = self.peek() else {
            return Err(self.error("expected an expression"));
        };
        match token {
            Token::Punct("(") => {
                self.pos += 1;
                let inner = self.expr()?;
                self.expect_punct(")")?;
                Ok(inner)
            }
            Token::Str(text) => {
                self.pos += 1;
                Ok(Expr::Str(text.clone()))
            }
            Token::Num(number) => {
                self.pos += 1;
                Ok(Expr::Num(number.clone()))
            }
            Token::Word(word) => match word.as_str() {
                "null" => {
                    self.pos += 1;
                    Ok(Expr::Null)
                }
                "true" | "false" => {
                    self.pos += 1;
                    Ok(Expr::Bool(word == "true"))
                }
                "current_timestamp" | "current_date" | "current_time" => {
                    self.pos += 1;
                    Ok(Expr::Special(word.clone()))
                }
                "array" => {
                    self.pos += 1;
                    self.expect_punct("[")?;
                    Ok(Expr::Array(self.list("]")?))
                }
                "cast" if matches!(self.tokens.get(self.pos + 1), Some(Token::Punct("("))) => {
                    self.pos += 2;
                    let inner = self.expr()?;
                    self.expect_word("as")?;
                    let type_name = self.type_name()?;
                    self.expect_punct(")")?;
                    Ok(cast(inner, &type_name))
                }
                _ => self.name_or_call(),
            },
            Token::Quoted(_) => self.name_or_call(),
            Token::Punct(_) => Err(self.error("expected an expression")),
        }
    }

    fn name_or_call(&mut self) -> Result<Expr, String> {
        let name = self.name()?;
        if !self.eat_punct("(") {
            return Ok(Expr::Name(name));
        }
        let args = if self.eat_punct("*") {
            self.expect_punct(")")?;
            vec![Expr::Star]
        } else {
            self.list(")")?
        };
        // now() is CURRENT_TIMESTAMP under another name.
        if name == "now" && args.is_empty() {
            return Ok(Expr::Special("current_timestamp".to_owned()));
        }
        Ok(Expr::Call(name, args))
    }

    /// An expression that must run to the end of the text.
    fn whole(mut self) -> Result<Expr, String> {
        let expr = self.expr()?;
        if !self.at_end() {
            return Err(self.error("unexpected text after the expression"));
        }
        Ok(expr)
    }
}

/// Reads one expression (a CHECK, a default, a predicate).
pub(crate) fn expression(sql: &str) -> Result<Expr, String> {
    let tokens = tokenize(sql)?;
    Parser::new(&tokens, sql).whole()
}

/// What the outline takes from SQLite's `CREATE TABLE` text; the rest comes from pragmas.
#[derive(Debug, Default)]
pub(crate) struct CreateTable {
    /// Every CHECK, of a column or of the table.
    pub(crate) checks: Vec<Expr>,
    pub(crate) without_rowid: bool,
    /// `CREATE VIRTUAL TABLE … USING fts5`.
    pub(crate) fts5: bool,
}

pub(crate) fn create_table(sql: &str) -> Result<CreateTable, String> {
    let tokens = tokenize(sql)?;
    let mut parser = Parser::new(&tokens, sql);
    parser.expect_word("create")?;
    if parser.eat_word("virtual") {
        parser.expect_word("table")?;
        parser.name()?;
        parser.expect_word("using")?;
        return Ok(CreateTable {
            fts5: parser.is_word("fts5"),
            ..CreateTable::default()
        });
    }
    parser.expect_word("table")?;
    if parser.eat_word("if") {
        parser.expect_word("not")?;
        parser.expect_word("exists")?;
    }
    parser.name()?;
    parser.expect_punct("(")?;
    let mut table = CreateTable::default();
    let mut depth = 1;
    while depth > 0 {
        match parser.peek() {
            None => return Err(parser.error("unbalanced parentheses")),
            Some(Token::Punct("(")) => depth += 1,
            Some(Token::Punct(")")) => depth -= 1,
            // A CHECK of a column or of the table: both sit directly in the list.
            Some(Token::Word(word)) if word == "check" && depth == 1 => {
                parser.pos += 1;
                parser.expect_punct("(")?;
                table.checks.push(parser.expr()?);
                parser.expect_punct(")")?;
                continue;
            }
            Some(_) => {}
        }
        parser.pos += 1;
    }
    // Table options: WITHOUT ROWID, STRICT, separated by commas.
    while let Some(token) = parser.peek() {
        if token == &Token::Word("without".to_owned()) && parser.is_word_at(1, "rowid") {
            table.without_rowid = true;
        }
        parser.pos += 1;
    }
    Ok(table)
}

/// An index as both engines' `CREATE INDEX` text says it, keys and predicate canonical.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CreateIndex {
    pub(crate) unique: bool,
    pub(crate) method: String,
    pub(crate) keys: Vec<String>,
    pub(crate) predicate: Option<String>,
}

pub(crate) fn create_index(sql: &str) -> Result<CreateIndex, String> {
    let tokens = tokenize(sql)?;
    let mut parser = Parser::new(&tokens, sql);
    parser.expect_word("create")?;
    let unique = parser.eat_word("unique");
    parser.expect_word("index")?;
    parser.eat_word("concurrently");
    if parser.eat_word("if") {
        parser.expect_word("not")?;
        parser.expect_word("exists")?;
    }
    parser.name()?;
    parser.expect_word("on")?;
    parser.eat_word("only");
    parser.name()?;
    // SQLite has B-trees only, and PostgreSQL names the method in what it prints.
    let method = if parser.eat_word("using") {
        parser.name_part()?
    } else {
        "btree".to_owned()
    };
    parser.expect_punct("(")?;
    let mut keys = Vec::new();
    loop {
        let mut key = parser.expr()?.canonical();
        if parser.eat_word("desc") {
            key.push_str(" desc");
        } else {
            parser.eat_word("asc");
        }
        if parser.eat_word("nulls") {
            if parser.eat_word("first") {
                key.push_str(" nulls first");
            } else {
                parser.expect_word("last")?;
                key.push_str(" nulls last");
            }
        }
        keys.push(key);
        if parser.eat_punct(")") {
            break;
        }
        parser.expect_punct(",")?;
    }
    // PostgreSQL's `INCLUDE (id)` carries what every SQLite index holds already (the
    // row id), so both read the same; any other carried column has no SQLite
    // counterpart and is an error. Storage parameters (a GIN index's pending list) tune
    // how an index is kept, not what it holds. Neither is part of the outline.
    if parser.eat_word("include") {
        parser.expect_punct("(")?;
        if parser.name_part()? != "id" || !parser.eat_punct(")") {
            return Err(parser.error("only the row id may be carried (INCLUDE (id))"));
        }
    }
    if parser.eat_word("with") {
        parser.skip_group()?;
    }
    let predicate = if parser.eat_word("where") {
        Some(
            Parser {
                tokens: &tokens[parser.pos..],
                pos: 0,
                sql,
            }
            .whole()?
            .canonical(),
        )
    } else if parser.at_end() {
        None
    } else {
        return Err(parser.error("cannot read this part of the index"));
    };
    Ok(CreateIndex {
        unique,
        method,
        keys,
        predicate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(sql: &str) -> String {
        match expression(sql) {
            Ok(expr) => expr.canonical(),
            Err(error) => format!("error: {error}"),
        }
    }

    #[test]
    fn in_lists_read_the_same_as_postgresql_prints_them() {
        let sqlite = canonical("status IN ('pending', 'delivered', 'failed')");
        assert_eq!(sqlite, "status in ('delivered', 'failed', 'pending')");
        assert_eq!(
            canonical("(status = ANY (ARRAY['pending'::text, 'delivered'::text, 'failed'::text]))"),
            sqlite
        );
        assert_eq!(
            canonical("\"status\" in ('failed','delivered','pending','failed')"),
            sqlite
        );
        assert_eq!(
            canonical("(kind <> ALL (ARRAY['a'::text, 'b'::character varying]))"),
            "kind not in ('a', 'b')"
        );
        assert_eq!(
            canonical("kind NOT IN ('b', 'a')"),
            "kind not in ('a', 'b')"
        );
        assert_ne!(canonical("kind IN ('a')"), canonical("kind IN ('a', 'b')"));
    }

    #[test]
    fn casts_parentheses_spacing_and_spelling_fall_away() {
        assert_eq!(
            canonical("COALESCE(organisation_id, 0)"),
            canonical("COALESCE(organisation_id, (0)::bigint)")
        );
        assert_eq!(canonical("x >= -1"), canonical("(x >= '-1'::integer)"));
        assert_eq!(canonical("read_at IS NULL"), canonical("(read_at IS NULL)"));
        assert_eq!(canonical("a isnull"), "a is null");
        assert_eq!(canonical("now()"), canonical("CURRENT_TIMESTAMP"));
        assert_eq!(canonical("''::text"), "''");
        assert_eq!(canonical("'t'::boolean"), "true");
        assert_eq!(
            canonical("x BETWEEN 1 AND 5"),
            canonical("((x >= 1) AND (x <= 5))")
        );
        assert_eq!(canonical("a != b"), canonical("a <> b"));
        assert_eq!(
            canonical("name LIKE 'a%'"),
            canonical("(name ~~ 'a%'::text)")
        );
        assert_eq!(canonical("a AND (b AND c)"), "a and b and c");
        // Grouping that changes the meaning stays.
        assert_ne!(canonical("(a OR b) AND c"), canonical("a OR (b AND c)"));
        assert_eq!(canonical("length(name) > 0"), "length(name) > 0");
    }

    #[test]
    fn what_the_reader_does_not_follow_is_an_error() {
        assert!(expression("CASE WHEN a THEN 1 END").is_err());
        assert!(expression("a = ANY (b)").is_err());
        assert!(expression("a b").is_err());
        assert!(expression("'open").is_err());
    }

    #[test]
    fn checks_come_from_columns_and_from_the_table() -> Result<(), String> {
        let table = create_table(
            "CREATE TABLE \"t\" (
                id INTEGER PRIMARY KEY,
                -- a comment with CHECK (nothing) in it
                kind TEXT NOT NULL CHECK (kind IN ('a', 'b')) DEFAULT 'a',
                n BIGINT CONSTRAINT n_positive CHECK(n > 0),
                CHECK (n < 10 AND kind <> 'b')
            ) WITHOUT ROWID",
        )?;
        let checks: Vec<String> = table.checks.iter().map(Expr::canonical).collect();
        assert_eq!(
            checks,
            ["kind in ('a', 'b')", "n > 0", "(n < 10) and (kind <> 'b')"]
        );
        assert!(table.without_rowid && !table.fts5);
        let search = create_table(
            "CREATE VIRTUAL TABLE s USING fts5(terms, content = 'w', content_rowid = 'id')",
        )?;
        assert!(search.fts5);
        Ok(())
    }

    #[test]
    fn indexes_read_the_same_from_either_engine() -> Result<(), String> {
        let sqlite = create_index(
            "CREATE UNIQUE INDEX g ON role_grants (person_id, \"position\",
                COALESCE(organisation_id, 0)) WHERE status IN ('dispatched', 'in_progress')",
        )?;
        let postgres = create_index(
            "CREATE UNIQUE INDEX g ON public.role_grants USING btree (person_id, \"position\", \
             COALESCE(organisation_id, (0)::bigint)) WHERE (status = ANY \
             (ARRAY['dispatched'::text, 'in_progress'::text]))",
        )?;
        assert_eq!(sqlite, postgres);
        assert_eq!(
            sqlite.keys,
            ["person_id", "position", "coalesce(organisation_id, 0)"]
        );
        let gin = create_index(
            "CREATE INDEX s ON public.w USING gin (string_to_array(search_terms, ' '::text))",
        )?;
        assert_eq!(gin.method, "gin");
        let blocks = create_index(
            "CREATE INDEX s ON public.w USING gin (((string_to_array(search_terms, ' '::text) \
             || ('#'::text || ((id >> 12))::text)))) WITH (gin_pending_list_limit='256')",
        )?;
        assert_eq!(
            blocks.keys,
            ["string_to_array(search_terms, ' ') || ('#' || (id >> 12))"]
        );
        let tuned = create_index(
            "CREATE INDEX s ON public.w USING gin (string_to_array(search_terms, ' '::text)) \
             WITH (gin_pending_list_limit='256')",
        )?;
        assert_eq!((tuned.method, tuned.keys), (gin.method, gin.keys));
        let carrying = create_index(
            "CREATE INDEX t ON public.w USING btree (status, triage_deadline) INCLUDE (id)",
        )?;
        assert_eq!(carrying.keys, ["status", "triage_deadline"]);
        assert!(
            create_index("CREATE INDEX t ON public.w USING btree (status) INCLUDE (name)").is_err()
        );
        assert_eq!(
            create_index("CREATE INDEX d ON t (a DESC, b ASC)")?.keys,
            ["a desc", "b"]
        );
        Ok(())
    }
}
