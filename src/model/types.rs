//! The types of the rule language: `bool`, `number`, `string`, `date`, `datetime`,
//! `duration`, `list<T>` and `T?` (spec §1.2).

use std::fmt;

/// A type of the rule language.
///
/// [`Display`](fmt::Display) prints the language syntax, so a type can be shown to
/// users as they would write it.
///
/// ```
/// use funil::model::Type;
///
/// let tags = Type::list(Type::String);
/// assert_eq!(tags.to_string(), "list<string>");
/// let owner = Type::String.optional();
/// assert_eq!(owner.to_string(), "string?");
/// assert_eq!(owner.clone().optional(), owner); // never `string??`
/// assert_eq!(owner.non_optional(), &Type::String);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    /// `bool`: true or false.
    Bool,
    /// `number`: an exact decimal.
    Number,
    /// `string`: UTF-8 text.
    String,
    /// `date`: a calendar date.
    Date,
    /// `datetime`: an instant, in UTC.
    DateTime,
    /// `duration`: a signed span of time.
    Duration,
    /// `list<T>`: a list whose elements all have type `T`.
    List(Box<Type>),
    /// `T?`: a `T` or null.
    Optional(Box<Type>),
}

impl Type {
    /// The optional form of this type: `T?`. Idempotent: `T??` is never built.
    #[must_use]
    pub fn optional(self) -> Type {
        match self {
            Type::Optional(_) => self,
            other => Type::Optional(Box::new(other)),
        }
    }

    /// Whether null is a value of this type (the type is `T?`).
    pub fn is_optional(&self) -> bool {
        matches!(self, Type::Optional(_))
    }

    /// The type without its outer `?`: `string?` gives `string`; other types give
    /// themselves.
    pub fn non_optional(&self) -> &Type {
        match self {
            Type::Optional(inner) => inner,
            other => other,
        }
    }

    /// The type `list<elem>`.
    pub fn list(elem: Type) -> Type {
        Type::List(Box::new(elem))
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::String => f.write_str("string"),
            Type::Date => f.write_str("date"),
            Type::DateTime => f.write_str("datetime"),
            Type::Duration => f.write_str("duration"),
            Type::List(elem) => write!(f, "list<{elem}>"),
            Type::Optional(inner) => write!(f, "{inner}?"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_language_syntax() {
        let cases = [
            (Type::Bool, "bool"),
            (Type::Number, "number"),
            (Type::String, "string"),
            (Type::Date, "date"),
            (Type::DateTime, "datetime"),
            (Type::Duration, "duration"),
            (Type::list(Type::String), "list<string>"),
            (Type::String.optional(), "string?"),
            (Type::list(Type::Number.optional()), "list<number?>"),
            (Type::list(Type::Date).optional(), "list<date>?"),
        ];
        for (ty, text) in cases {
            assert_eq!(ty.to_string(), text);
        }
    }

    #[test]
    fn optional_is_idempotent() {
        let once = Type::Number.optional();
        let twice = once.clone().optional();
        assert_eq!(once, twice);
        assert_eq!(twice, Type::Optional(Box::new(Type::Number)));
    }

    #[test]
    fn non_optional_strips_one_level() {
        assert_eq!(Type::Date.optional().non_optional(), &Type::Date);
        assert_eq!(Type::Date.non_optional(), &Type::Date);
        assert!(Type::Date.optional().is_optional());
        assert!(!Type::list(Type::Date.optional()).is_optional());
    }
}
