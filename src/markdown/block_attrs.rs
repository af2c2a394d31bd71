//! Which block a `{: ...}` line belongs to, for every such line of a page at
//! once. Asking each line's question of every block is quadratic: 100,000
//! paragraphs with an attribute list each took a minute. The blocks are
//! indexed once instead (by start, by end, and the ones open at a position),
//! and the lines are answered in the order of their positions, so a page costs
//! its size times the nesting depth.

use std::ops::Range;

use super::kramdown::AttrTarget;

/// A block element of the page: its start event, its source range and how
/// deeply it is nested.
#[derive(Debug, Clone)]
pub struct BlockSpan {
    pub start: usize,
    pub range: Range<usize>,
    pub depth: usize,
    pub is_heading: bool,
}

/// For each `(at, target)` question, the index into `spans` of the block it
/// names, if any. `spans` are in document order; `text` is the prepared text
/// the ranges point into.
pub fn choose_targets(
    spans: &[BlockSpan],
    text: &str,
    questions: &[(usize, AttrTarget)],
) -> Vec<Option<usize>> {
    let mut answers = vec![None; questions.len()];
    let mut order: Vec<usize> = (0..questions.len()).collect();
    order.sort_by_key(|&q| questions[q].0);

    let by_start = sorted(spans, |s| (s.range.start, s.depth));
    let headings: Vec<usize> = (0..spans.len()).filter(|&i| spans[i].is_heading).collect();
    let by_end = sorted(spans, |s| (s.range.end, 0));

    // Blocks that started before the current position and may still hold it.
    let mut open: Vec<usize> = Vec::new();
    let mut next_to_open = 0;
    // The block that ended last at or before the current position.
    let mut ended_last: Option<usize> = None;
    let mut next_to_end = 0;

    for q in order {
        let (at, target) = questions[q];
        answers[q] = match target {
            AttrTarget::Previous => {
                while next_to_open < spans.len() && spans[next_to_open].range.start < at {
                    open.push(next_to_open);
                    next_to_open += 1;
                }
                open.retain(|&i| spans[i].range.end + 1 >= at);
                while next_to_end < by_end.len() && spans[by_end[next_to_end]].range.end <= at {
                    let candidate = by_end[next_to_end];
                    if ended_last.is_none_or(|best| {
                        ends_later(&spans[candidate], candidate, &spans[best], best)
                    }) {
                        ended_last = Some(candidate);
                    }
                    next_to_end += 1;
                }
                holding(spans, text, &open, at).or(ended_last)
            }
            AttrTarget::Next => {
                let first = by_start.partition_point(|&i| spans[i].range.start < at);
                by_start.get(first).copied()
            }
            AttrTarget::HeadingOnLine => {
                let first = headings.partition_point(|&i| spans[i].range.start < at);
                headings.get(first).copied()
            }
        };
    }
    answers
}

/// The outermost open block that ends on the line before `at` (only blank
/// text between `at` and its end); the first such in document order.
fn holding(spans: &[BlockSpan], text: &str, open: &[usize], at: usize) -> Option<usize> {
    open.iter()
        .copied()
        .filter(|&i| {
            let s = &spans[i];
            text.get(at.min(s.range.end)..s.range.end)
                .is_some_and(|t| t.trim().is_empty())
        })
        .min_by_key(|&i| spans[i].depth)
}

/// Whether `a` is a better "block that ended last" than `b`: a later end,
/// then a shallower block, then the later one in document order.
fn ends_later(a: &BlockSpan, a_index: usize, b: &BlockSpan, b_index: usize) -> bool {
    (a.range.end, std::cmp::Reverse(a.depth), a_index)
        > (b.range.end, std::cmp::Reverse(b.depth), b_index)
}

/// Span indices sorted by `key`, then by document order.
fn sorted(spans: &[BlockSpan], key: impl Fn(&BlockSpan) -> (usize, usize)) -> Vec<usize> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| (key(&spans[i]), i));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule as first written: every question asked of every block.
    fn naive(spans: &[BlockSpan], text: &str, at: usize, target: AttrTarget) -> Option<usize> {
        let indexed = || spans.iter().enumerate();
        match target {
            AttrTarget::Previous => indexed()
                .filter(|(_, s)| {
                    s.range.start < at
                        && s.range.end + 1 >= at
                        && text
                            .get(at.min(s.range.end)..s.range.end)
                            .is_some_and(|t| t.trim().is_empty())
                })
                .min_by_key(|(_, s)| s.depth)
                .or_else(|| {
                    indexed()
                        .filter(|(_, s)| s.range.end <= at)
                        .max_by(|(_, a), (_, b)| {
                            a.range.end.cmp(&b.range.end).then(b.depth.cmp(&a.depth))
                        })
                }),
            AttrTarget::Next => {
                indexed()
                    .filter(|(_, s)| s.range.start >= at)
                    .min_by(|(_, a), (_, b)| {
                        a.range
                            .start
                            .cmp(&b.range.start)
                            .then(a.depth.cmp(&b.depth))
                    })
            }
            AttrTarget::HeadingOnLine => {
                indexed().find(|(_, s)| s.is_heading && s.range.start >= at)
            }
        }
        .map(|(i, _)| i)
    }

    #[test]
    fn answers_as_the_rule_says_on_nested_and_flat_pages() {
        // Documents as pulldown-cmark describes them: a list holding items
        // holding paragraphs, then flat paragraphs and headings, with blank
        // text between some blocks.
        let text = "- a\n- b\n\n  c\n{: .x}\n\np\n{: .y}\n\n# h\n{: #z}\n\nq\n\n\n";
        let span = |start, range: Range<usize>, depth, is_heading| BlockSpan {
            start,
            range,
            depth,
            is_heading,
        };
        let spans = vec![
            span(0, 0..19, 0, false),
            span(1, 0..4, 1, false),
            span(2, 2..4, 2, false),
            span(5, 4..19, 1, false),
            span(6, 6..8, 2, false),
            span(8, 11..13, 2, false),
            span(10, 21..23, 0, false),
            span(12, 31..35, 0, true),
            span(14, 42..44, 0, false),
        ];
        let targets = [
            AttrTarget::Previous,
            AttrTarget::Next,
            AttrTarget::HeadingOnLine,
        ];
        let questions: Vec<(usize, AttrTarget)> = (0..=text.len())
            .flat_map(|at| targets.iter().map(move |t| (at, *t)))
            .collect();
        let answers = choose_targets(&spans, text, &questions);
        for (q, &(at, target)) in questions.iter().enumerate() {
            assert_eq!(
                answers[q],
                naive(&spans, text, at, target),
                "at {at}, {target:?}"
            );
        }
    }
}
