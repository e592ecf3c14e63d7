//! [`Predicate`]: a segment compiled into closures that read a caller's own type
//! through a [`View`], for segments made only of tests of attributes.
//!
//! Each comparison becomes one closure that calls the view's accessor and compares
//! what it lends with the literal, with the operators of the row interpreter
//! ([`super::operators`]), so the answers are the interpreter's. Nothing is
//! allocated and no [`crate::Contact`] is made.

use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::EvalError;
use super::api::EvalErrorKind;
use super::operators;
use super::segment::{SegmentId, check_segment};
use crate::model::same_text;
use crate::model::view::{Accessor, lent_conforms, lent_scalar};
use crate::model::{AttrId, ContactError, Type, Value, ValueRef, View};
use crate::program::{CompareOp, Constant, Node, NodeId, Orderings, Program};

/// How deep a condition may nest and still be compiled: rules written by people
/// never come near.
const MAX_DEPTH: u32 = 64;

/// What a compiled test gives: the answer, or the attribute whose value did not
/// have its declared type.
pub(crate) type Answer = Result<bool, AttrId>;

/// One compiled test of a `T`.
pub(crate) type Test<'v, T> = Box<dyn Fn(&T) -> Answer + Send + Sync + 'v>;

/// A segment compiled to test values of the caller's type `T` directly, made by
/// [`Program::predicate`]; it borrows the view it reads through.
///
/// Its answers are those of [`Program::segment_with`] over the contact the view
/// would [fill](View::fill). Testing allocates nothing.
///
/// ```
/// use funil::model::View;
///
/// struct Row { country: &'static str, score: u32 }
///
/// let program = funil::compile(r#"
///     schema { contact { country: string, score: number } }
///     segment target { (country == "BR" or country == "PT") and score >= 60 }
/// "#)?;
/// let view = View::new(program.schema())
///     .attribute("country", |row: &Row| row.country.into())?
///     .attribute("score", |row: &Row| row.score.into())?;
/// let target = program.predicate(program.segment_id("target")?, &view)?;
/// let rows = [Row { country: "PT", score: 70 }, Row { country: "US", score: 99 }];
/// let answers: Vec<bool> = rows.iter().map(|row| target.test(row)).collect::<Result<_, _>>()?;
/// assert_eq!(answers, [true, false]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Predicate<'v, T> {
    test: Test<'v, T>,
    view: &'v View<T>,
}

impl<T> Predicate<'_, T> {
    /// Whether `value` is in the segment.
    ///
    /// # Errors
    ///
    /// A [`ContactError`] naming the contact (when the view reads ids), the
    /// attribute and its declared type, when the view lent a value of another
    /// type, or a null for a non-optional attribute.
    #[inline]
    pub fn test(&self, value: &T) -> Result<bool, ContactError> {
        (self.test)(value).map_err(|attribute| self.view.wrong_type(attribute, value))
    }
}

impl<T> fmt::Debug for Predicate<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Predicate")
            .field("view", self.view)
            .finish()
    }
}

impl Program {
    /// `segment` compiled to test values of the caller's type `T` through `view`,
    /// without a [`crate::Contact`]: for segments made only of tests of attributes
    /// (see [the language reference](crate::language#evaluating-the-callers-own-data)
    /// for which). Other segments are evaluated over the contact
    /// [`View::fill`] makes.
    ///
    /// # Errors
    ///
    /// [`EvalErrorKind::NotAPredicate`] naming the segment when it reads something
    /// other than attributes (events, items, the clock, functions), or an
    /// attribute the view does not read; [`EvalErrorKind::SchemaMismatch`] when the
    /// view is of another schema; the errors of [`Program::segment_with`].
    pub fn predicate<'v, T>(
        &self,
        segment: SegmentId,
        view: &'v View<T>,
    ) -> Result<Predicate<'v, T>, EvalError> {
        let item = self
            .items
            .get(segment.item().index())
            .ok_or_else(|| EvalError::new(EvalErrorKind::UnknownItem, "segment"))?;
        check_segment(item)?;
        if view.schema_fingerprint() != self.schema_fingerprint {
            return Err(EvalError::new(EvalErrorKind::SchemaMismatch, &item.name));
        }
        let refused = |reason: String| {
            EvalError::new(EvalErrorKind::NotAPredicate, &item.name).with_detail(reason)
        };
        let crate::program::ItemBody::Segment(condition) = item.body else {
            return Err(refused("it is not a plain segment".to_owned()));
        };
        if !item.dependencies.is_empty() {
            return Err(refused("it references other items".to_owned()));
        }
        let closures = Closures {
            program: self,
            view,
        };
        let test = closures.test(condition, 0).map_err(refused)?;
        Ok(Predicate { test, view })
    }
}

/// Compiles conditions of one program for one view.
struct Closures<'p, 'v, T> {
    program: &'p Program,
    view: &'v View<T>,
}

impl<'v, T> Closures<'_, 'v, T> {
    fn test(&self, node: NodeId, depth: u32) -> Result<Test<'v, T>, String> {
        if depth > MAX_DEPTH {
            return Err("its condition nests too deep".to_owned());
        }
        let nested = |id: &NodeId| self.test(*id, depth.saturating_add(1));
        Ok(match self.node(node)? {
            Node::Literal(value) => {
                let holds = super::truthy(value);
                Box::new(move |_| Ok(holds))
            }
            Node::Attribute(attribute) => {
                let ty = self.attribute_type(*attribute)?;
                if ty.non_optional() != &Type::Bool {
                    return Err(format!("`{}` is not a condition", self.name(*attribute)));
                }
                self.leaf(*attribute, ty, Check::Truthy)?
            }
            Node::CompareAttribute {
                accepts,
                attribute,
                constant,
            } => {
                let ty = self.attribute_type(*attribute)?;
                let test = Check::Constant(*accepts, constant.clone());
                self.leaf(*attribute, ty, test)?
            }
            Node::Compare { op, lhs, rhs } => {
                let (op, attribute, literal) = match (self.node(*lhs)?, self.node(*rhs)?) {
                    (Node::Attribute(a), _) if let Some(v) = self.literal(*rhs) => (*op, *a, v),
                    (_, Node::Attribute(a)) if let Some(v) = self.literal(*lhs) => {
                        (op.swapped(), *a, v)
                    }
                    _ => return Err("it compares more than an attribute with a literal".to_owned()),
                };
                if matches!(literal, Value::String(_) | Value::List(_)) {
                    return Err("it compares texts or lists in a way not compiled".to_owned());
                }
                let ty = self.attribute_type(attribute)?;
                self.leaf(attribute, ty, Check::Compare(op, literal))?
            }
            Node::IsNull { operand, negated } => {
                let attribute = self.attribute_node(*operand)?;
                let ty = self.attribute_type(attribute)?;
                self.leaf(attribute, ty, Check::IsNull(*negated))?
            }
            Node::In {
                element,
                list,
                negated,
            } => {
                let attribute = self.attribute_node(*element)?;
                let items: Vec<Value> = match self.node(*list)? {
                    Node::Literal(Value::List(items)) => items.to_vec(),
                    Node::List(items) => items
                        .iter()
                        .map(|item| {
                            self.literal(*item)
                                .ok_or_else(|| "its list is not made of literals".to_owned())
                        })
                        .collect::<Result<_, _>>()?,
                    _ => return Err("its list is not made of literals".to_owned()),
                };
                let ty = self.attribute_type(attribute)?;
                let texts: Option<Box<[Arc<str>]>> = items
                    .iter()
                    .map(|item| match item {
                        Value::String(text) => Some(Arc::clone(text)),
                        _ => None,
                    })
                    .collect();
                match texts {
                    Some(texts) => self.leaf(attribute, ty, Check::AnyText(texts, *negated))?,
                    None => self.leaf(attribute, ty, Check::In(items.into(), *negated))?,
                }
            }
            Node::Not(operand) => {
                let operand = nested(operand)?;
                Box::new(move |value| operand(value).map(|holds| !holds))
            }
            Node::And(operands) => {
                let operands: Vec<Test<'v, T>> =
                    operands.iter().map(nested).collect::<Result<_, _>>()?;
                every(operands)
            }
            Node::Or(operands) => {
                if let Some((attribute, texts)) = self.program.nodes.text_equalities(operands) {
                    // `x == "a" or x == "b"`: `x` read once.
                    let ty = self.attribute_type(attribute)?;
                    return self.leaf(attribute, ty, Check::AnyText(texts, false));
                }
                let operands: Vec<Test<'v, T>> =
                    operands.iter().map(nested).collect::<Result<_, _>>()?;
                any(operands)
            }
            _ => return Err("it reads more than attributes".to_owned()),
        })
    }

    /// The test `test` of `attribute`, compiled by the view's lens of it.
    fn leaf(&self, attribute: AttrId, ty: Type, test: Check) -> Result<Test<'v, T>, String> {
        let lens: &'v Accessor<T> = self
            .view
            .accessor(attribute)
            .ok_or_else(|| format!("the view does not read `{}`", self.name(attribute)))?;
        Ok(lens.compile(Leaf {
            attribute,
            ty,
            test,
        }))
    }

    /// The value of a literal, or of a negated number literal (`-1`).
    fn literal(&self, id: NodeId) -> Option<Value> {
        match self.node(id).ok()? {
            Node::Literal(value) => Some(value.clone()),
            Node::Negate(operand) => match self.node(*operand).ok()? {
                Node::Literal(value @ Value::Number(_)) => Some(operators::negate(value)),
                _ => None,
            },
            _ => None,
        }
    }

    fn node(&self, id: NodeId) -> Result<&Node, String> {
        self.program
            .nodes
            .get(id)
            .ok_or_else(|| "its condition is not compiled".to_owned())
    }

    fn attribute_node(&self, id: NodeId) -> Result<AttrId, String> {
        match self.node(id)? {
            Node::Attribute(attribute) => Ok(*attribute),
            _ => Err("it tests more than attributes".to_owned()),
        }
    }

    fn attribute_type(&self, attribute: AttrId) -> Result<Type, String> {
        self.program
            .schema()
            .attribute_type(attribute)
            .cloned()
            .ok_or_else(|| format!("the schema has no attribute #{}", attribute.0))
    }

    fn name(&self, attribute: AttrId) -> &str {
        self.view.attribute_name(attribute)
    }
}

/// Whether every test holds, in order, the first that does not ending it; two
/// tests (the most frequent case) are called without a loop.
fn every<'v, T: 'v>(tests: Vec<Test<'v, T>>) -> Test<'v, T> {
    let mut tests = tests.into_iter();
    match (tests.next(), tests.next(), tests.len()) {
        (None, _, _) => Box::new(|_| Ok(true)),
        (Some(only), None, _) => only,
        (Some(a), Some(b), 0) => Box::new(move |value| Ok(a(value)? && b(value)?)),
        (Some(a), Some(b), _) => {
            let all: Box<[Test<'v, T>]> = [a, b].into_iter().chain(tests).collect();
            Box::new(move |value| {
                for test in &all {
                    if !test(value)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            })
        }
    }
}

/// Whether any test holds, in order, the first that does ending it; two tests
/// are called without a loop.
fn any<'v, T: 'v>(tests: Vec<Test<'v, T>>) -> Test<'v, T> {
    let mut tests = tests.into_iter();
    match (tests.next(), tests.next(), tests.len()) {
        (None, _, _) => Box::new(|_| Ok(false)),
        (Some(only), None, _) => only,
        (Some(a), Some(b), 0) => Box::new(move |value| Ok(a(value)? || b(value)?)),
        (Some(a), Some(b), _) => {
            let all: Box<[Test<'v, T>]> = [a, b].into_iter().chain(tests).collect();
            Box::new(move |value| {
                for test in &all {
                    if test(value)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            })
        }
    }
}

/// A test of one attribute, to compile around the view's function that reads it.
pub(crate) struct Leaf {
    attribute: AttrId,
    ty: Type,
    test: Check,
}

/// What a [`Leaf`] tests.
enum Check {
    /// A bool attribute as a condition: true only for `true`.
    Truthy,
    /// Ordered against a number or text literal.
    Constant(Orderings, Constant),
    /// Compared with a literal without text.
    Compare(CompareOp, Value),
    /// `is null`, or `is not null` when negated.
    IsNull(bool),
    /// `in` a list of literals, or `not in` when negated.
    In(Box<[Value]>, bool),
    /// Equal to one of these texts (false for null), or to none when negated.
    AnyText(Box<[Arc<str>]>, bool),
}

impl Leaf {
    /// The test, calling `read` (a concrete function, so called directly) for the
    /// attribute of each value tested.
    pub(crate) fn compile<'v, T, F>(self, read: &'v F) -> Test<'v, T>
    where
        F: for<'r> Fn(&'r T) -> ValueRef<'r> + Send + Sync,
        T: 'v,
    {
        let Leaf {
            attribute,
            ty,
            test,
        } = self;
        let optional = ty.is_optional();
        match test {
            Check::Constant(accepts, Constant::Number(literal)) => {
                // A whole literal that fits compares with integers as an integer.
                let whole = literal.is_integer().then(|| literal.to_i64()).flatten();
                Box::new(move |value| match read(value) {
                    ValueRef::Integer(n) => Ok(accepts.contain(match whole {
                        Some(whole) => n.cmp(&whole),
                        None => operators::compare_numbers(&Decimal::from(n), &literal),
                    })),
                    ValueRef::Number(n) => {
                        Ok(accepts.contain(operators::compare_numbers(&n, &literal)))
                    }
                    ValueRef::Null if optional => Ok(accepts.with_null()),
                    other => {
                        shared_compare(other, &ty, attribute, accepts, &Constant::Number(literal))
                    }
                })
            }
            Check::Constant(accepts, Constant::Text(literal)) if accepts.is_equality() => {
                // `==` or `!=`: equality alone, in machine words.
                let equal = accepts.contain(std::cmp::Ordering::Equal);
                Box::new(move |value| match read(value) {
                    ValueRef::String(text) => Ok(same_text(text, &literal) == equal),
                    ValueRef::Null if optional => Ok(accepts.with_null()),
                    other => {
                        let constant = Constant::Text(literal.clone());
                        shared_compare(other, &ty, attribute, accepts, &constant)
                    }
                })
            }
            Check::Constant(accepts, Constant::Text(literal)) => {
                Box::new(move |value| match read(value) {
                    ValueRef::String(text) => Ok(accepts.contain(text.cmp(&literal))),
                    ValueRef::Null if optional => Ok(accepts.with_null()),
                    other => {
                        let constant = Constant::Text(literal.clone());
                        shared_compare(other, &ty, attribute, accepts, &constant)
                    }
                })
            }
            Check::AnyText(texts, negated) => Box::new(move |value| {
                let found = match read(value) {
                    ValueRef::String(text) => texts.iter().any(|t| same_text(t, text)),
                    ValueRef::Null if optional => false,
                    other => match checked(other, &ty, attribute)? {
                        ValueRef::Value(Value::String(text)) => {
                            texts.iter().any(|t| same_text(t, text))
                        }
                        _ => false,
                    },
                };
                Ok(found != negated)
            }),
            Check::Truthy => Box::new(move |value| {
                let lent = checked(read(value), &ty, attribute)?;
                Ok(matches!(
                    lent,
                    ValueRef::Bool(true) | ValueRef::Value(Value::Bool(true))
                ))
            }),
            Check::Compare(op, literal) => Box::new(move |value| {
                let lent = checked(read(value), &ty, attribute)?;
                match lent_scalar(lent) {
                    Some(scalar) => Ok(operators::compare(op, &scalar, &literal)),
                    // A text or a list (never null) against the only literal of
                    // another type the checker lets through: null.
                    None if literal.is_null() => Ok(op == CompareOp::Ne),
                    None => Err(attribute),
                }
            }),
            Check::IsNull(negated) => Box::new(move |value| {
                let lent = checked(read(value), &ty, attribute)?;
                let null = matches!(lent, ValueRef::Null | ValueRef::Value(Value::Null));
                Ok(null != negated)
            }),
            Check::In(items, negated) => Box::new(move |value| {
                let found = match checked(read(value), &ty, attribute)? {
                    ValueRef::Null | ValueRef::Value(Value::Null) => false,
                    ValueRef::String(text) => items.iter().any(|item| item.as_str() == Some(text)),
                    ValueRef::Value(element) => {
                        items.iter().any(|item| operators::equal(item, element))
                    }
                    other => lent_scalar(other).is_some_and(|element| {
                        items.iter().any(|item| operators::equal(item, &element))
                    }),
                };
                Ok(found != negated)
            }),
        }
    }
}

/// `lent`, when it has the attribute's type.
fn checked<'r>(lent: ValueRef<'r>, ty: &Type, attribute: AttrId) -> Result<ValueRef<'r>, AttrId> {
    if lent_conforms(lent, ty) {
        Ok(lent)
    } else {
        Err(attribute)
    }
}

/// A comparison with a constant of a lent value that is not of the common form: a
/// shared [`Value`], or a value of the wrong type.
fn shared_compare(
    lent: ValueRef<'_>,
    ty: &Type,
    attribute: AttrId,
    accepts: Orderings,
    constant: &Constant,
) -> Answer {
    match lent {
        ValueRef::Value(value) if value.conforms_to(ty) => {
            Ok(operators::compare_constant(accepts, value, constant))
        }
        _ => Err(attribute),
    }
}
