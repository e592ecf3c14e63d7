//! `W0009`: a query window that selects no event, whatever the contact and `now`.
//!
//! A bound is read as a base and an offset: a datetime literal (`@…Z`, plus or minus
//! duration literals) is a fixed instant; anything else is its own canonical text
//! plus or minus duration literals (`now - 7d`, `entered_at + 1d`, `at + 24h`). Two
//! bounds with the same base are compared by their offsets, since one expression has
//! one value in one evaluation. `between A and B` selects `A <= at < B` (and
//! `at <= now`): nothing when `A >= B`, or when `A` is after `now`. `since T` selects
//! `T <= at <= now`: nothing when `T` is after `now`.

use chrono::{DateTime, TimeDelta, Utc};

use crate::syntax::ast::{BinaryOp, Expr, ExprKind, QueryWindow};
use crate::syntax::print_expr;

/// Where a bound stands: a fixed instant, or an offset from the value of an
/// expression (given as canonical text).
#[derive(Debug, PartialEq, Eq)]
enum Point {
    Fixed(DateTime<Utc>),
    From(String, TimeDelta),
}

/// Why a window selects no event, as a message and a help text; `None` when it may
/// select some.
pub(super) fn selects_nothing(window: &QueryWindow) -> Option<(&'static str, &'static str)> {
    let after_now = (
        "this window selects no event: it starts after `now`",
        "a query only sees events at or before `now`; move the start back",
    );
    match window {
        QueryWindow::Since(start) => is_after_now(&point(start)?).then_some(after_now),
        QueryWindow::Between(start, end) => {
            let start = point(start)?;
            if is_after_now(&start) {
                return Some(after_now);
            }
            let reversed = match (&start, &point(end)?) {
                (Point::Fixed(a), Point::Fixed(b)) => a >= b,
                (Point::From(a, from), Point::From(b, until)) => a == b && from >= until,
                _ => false,
            };
            reversed.then_some((
                "this window selects no event: it does not start before it ends",
                "`between A and B` selects `A <= at < B`; write the earlier bound first",
            ))
        }
        QueryWindow::Within(_) => None,
    }
}

fn is_after_now(point: &Point) -> bool {
    matches!(point, Point::From(base, offset) if base == "now" && *offset > TimeDelta::zero())
}

/// The base and offset of a bound; `None` when an offset does not fit.
fn point(bound: &Expr) -> Option<Point> {
    if let ExprKind::Binary { op, lhs, rhs } = &bound.node
        && let (BinaryOp::Add | BinaryOp::Sub, ExprKind::Duration(delta)) = (op, &rhs.node)
    {
        let delta = if *op == BinaryOp::Sub {
            TimeDelta::zero().checked_sub(delta)?
        } else {
            *delta
        };
        return match point(lhs)? {
            Point::Fixed(at) => at.checked_add_signed(delta).map(Point::Fixed),
            Point::From(base, offset) => offset
                .checked_add(&delta)
                .map(|offset| Point::From(base, offset)),
        };
    }
    Some(match &bound.node {
        ExprKind::DateTime(at) => Point::Fixed(*at),
        _ => Point::From(print_expr(bound), TimeDelta::zero()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(source: &str) -> QueryWindow {
        let module = crate::syntax::parse(&format!("segment s {{ exists(e {source}) }}")).unwrap();
        let crate::syntax::ast::ItemKind::Segment(segment) = &module.items[0].node else {
            unreachable!()
        };
        let crate::syntax::ast::SegmentBody::Condition(condition) = &segment.body else {
            unreachable!()
        };
        let ExprKind::Call { args, .. } = &condition.node else {
            unreachable!()
        };
        let crate::syntax::ast::Arg::Query(query) = &args[0] else {
            unreachable!()
        };
        query.window.clone().unwrap().node
    }

    fn empty(source: &str) -> bool {
        selects_nothing(&window(source)).is_some()
    }

    #[test]
    fn windows_that_select_nothing() {
        assert!(empty("between now - 7d and now - 30d"));
        assert!(empty("between now - 7d and now - 7d"));
        assert!(empty("between now - 1d and now - 24h"));
        assert!(!empty("between now - 30d and now - 7d"));
        assert!(empty(
            "between @2026-11-02T00:00:00Z and @2026-11-01T00:00:00Z"
        ));
        assert!(empty(
            "between @2026-11-01T00:00:00Z + 2d and @2026-11-02T00:00:00Z"
        ));
        assert!(!empty(
            "between @2026-11-01T00:00:00Z and @2026-11-01T00:00:00Z + 1s"
        ));
        assert!(empty("between last(x).at + 1d and last(x).at"));
        assert!(!empty("between last(x).at and last(y).at"));
        assert!(!empty("between @2026-11-01T00:00:00Z and now - 7d"));
        assert!(empty("since now + 1s"));
        assert!(!empty("since now"));
        assert!(empty("between now + 1d and now + 2d"));
        assert!(!empty("between now and now + 2d"));
        assert!(!empty("within 7d"));
    }
}
