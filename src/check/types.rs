//! The checker's types: the schema's types plus what only expressions have (event
//! records, the type of `null`, and "unknown" after an error).

use std::fmt;

use crate::model::{KindId, Type};

/// The shape of a value, without nullability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TyKind {
    Bool,
    Number,
    String,
    Date,
    DateTime,
    Duration,
    List(Box<Ty>),
    /// An event returned by `first`/`last`, of one of these kinds.
    Record(Box<[KindId]>),
    /// The literal `null`.
    Null,
    /// Unknown, after an error: accepted everywhere so one mistake reports once.
    Any,
}

/// A type as the checker sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ty {
    pub kind: TyKind,
    pub nullable: bool,
}

impl Ty {
    pub const BOOL: Ty = Ty::new(TyKind::Bool);
    pub const NUMBER: Ty = Ty::new(TyKind::Number);
    pub const STRING: Ty = Ty::new(TyKind::String);
    pub const DATE: Ty = Ty::new(TyKind::Date);
    pub const DATETIME: Ty = Ty::new(TyKind::DateTime);
    pub const DURATION: Ty = Ty::new(TyKind::Duration);
    pub const ANY: Ty = Ty::new(TyKind::Any);
    pub const NULL: Ty = Ty {
        kind: TyKind::Null,
        nullable: true,
    };

    pub const fn new(kind: TyKind) -> Ty {
        Ty {
            kind,
            nullable: false,
        }
    }

    pub fn list(element: Ty) -> Ty {
        Ty::new(TyKind::List(Box::new(element)))
    }

    /// This type, nullable when `nullable` is true.
    pub fn or_null(mut self, nullable: bool) -> Ty {
        self.nullable |= nullable;
        self
    }

    pub fn is_any(&self) -> bool {
        self.kind == TyKind::Any
    }

    /// True when a value of this type may be used where `kind` is expected
    /// (nullability aside).
    pub fn is(&self, kind: &TyKind) -> bool {
        self.kind == *kind || self.is_any()
    }

    /// The common type of two values that may stand in the same place (list
    /// elements, decision arms, `??`), if they have one.
    pub fn unify(&self, other: &Ty) -> Option<Ty> {
        let nullable = self.nullable || other.nullable;
        let kind = match (&self.kind, &other.kind) {
            (TyKind::Any, kind) | (kind, TyKind::Any) => kind.clone(),
            (TyKind::Null, kind) | (kind, TyKind::Null) => kind.clone(),
            (TyKind::List(a), TyKind::List(b)) => TyKind::List(Box::new(a.unify(b)?)),
            (a, b) if a == b => a.clone(),
            _ => return None,
        };
        Some(Ty { kind, nullable })
    }
}

impl From<&Type> for Ty {
    fn from(ty: &Type) -> Ty {
        match ty {
            Type::Bool => Ty::BOOL,
            Type::Number => Ty::NUMBER,
            Type::String => Ty::STRING,
            Type::Date => Ty::DATE,
            Type::DateTime => Ty::DATETIME,
            Type::Duration => Ty::DURATION,
            Type::List(element) => Ty::list(Ty::from(element.as_ref())),
            Type::Optional(inner) => Ty::from(inner.as_ref()).or_null(true),
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            TyKind::Bool => f.write_str("bool")?,
            TyKind::Number => f.write_str("number")?,
            TyKind::String => f.write_str("string")?,
            TyKind::Date => f.write_str("date")?,
            TyKind::DateTime => f.write_str("datetime")?,
            TyKind::Duration => f.write_str("duration")?,
            TyKind::List(element) => write!(f, "list<{element}>")?,
            TyKind::Record(_) => f.write_str("event")?,
            TyKind::Null => return f.write_str("null"),
            TyKind::Any => return f.write_str("unknown"),
        }
        if self.nullable {
            f.write_str("?")?;
        }
        Ok(())
    }
}
