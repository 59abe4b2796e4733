//! A few SVG elements written by hand: a chart here is some rectangles, lines, marks and
//! words, and writing them directly keeps the output small, byte-for-byte stable (so it
//! can be snapshot-tested) and free of fonts, scripts or anything fetched.

use std::fmt::Write as _;

/// The chart's frame: the whole picture and the plotting area inside its margins.
pub(super) const WIDTH: f64 = 720.0;
pub(super) const HEIGHT: f64 = 288.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 150.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 56.0;

/// An SVG document being written, with the plotting area's scales.
pub(super) struct Svg {
    out: String,
    id: String,
    /// The y scale's top value (the bottom is 0).
    y_max: f64,
    /// How many slots the x axis has (intervals, or bins).
    slots: usize,
}

/// Escapes text for XML.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A round number at or above `value` for the top of an axis, whose quarters (the
/// gridlines) are round too: 1, 2, 4, 6 or 8 × 10ⁿ, at least 1.
pub(super) fn nice_max(value: f64) -> f64 {
    if !value.is_finite() || value <= 1.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 4.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|step| step * magnitude)
        .find(|top| *top >= value)
        .unwrap_or(10.0 * magnitude)
}

/// The top of a count's axis: round, and at least 4, so that its quarters are whole.
pub(super) fn count_max(highest: f64) -> f64 {
    let top = nice_max(highest).max(4.0);
    (top / 4.0).ceil() * 4.0
}

/// A number for an axis or a label: whole when it is, else one decimal.
pub(super) fn short(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

impl Svg {
    /// Starts a chart titled `title` (its accessible name), `slots` wide, `y_max` high.
    pub(super) fn new(id: &str, title: &str, slots: usize, y_max: f64) -> Svg {
        let mut out = String::new();
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" class=\"chart\" \
             viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\" aria-labelledby=\"{id}-title\">\
             <title id=\"{id}-title\">{}</title>\
             <defs><pattern id=\"{id}-hatch\" width=\"6\" height=\"6\" \
             patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
             <rect width=\"6\" height=\"6\" fill=\"#fff\"/>\
             <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#b2182b\" stroke-width=\"3\"/>\
             </pattern></defs>",
            escape(title)
        );
        Svg {
            out,
            id: id.to_string(),
            y_max: if y_max > 0.0 { y_max } else { 1.0 },
            slots: slots.max(1),
        }
    }

    /// How a class is filled, as a presentation attribute: the picture needs no style
    /// sheet. Bars are a light or a dark shade, and the worse of two is hatched.
    fn fill(&self, class: &str) -> String {
        match class {
            "a" => "fill=\"#0072b2\"".into(),
            "b" => "fill=\"#e69f00\"".into(),
            "hatched" => format!("fill=\"url(#{}-hatch)\" stroke=\"#67001f\"", self.id),
            "dark" => "fill=\"#2166ac\" stroke=\"#053061\"".into(),
            _ => "fill=\"#c6dbef\" stroke=\"#4a4a4a\"".into(),
        }
    }

    /// How a series' line is drawn: series differ by shade (dark blue, light orange: apart
    /// in greyscale and to colour-blind readers), by dash and by mark.
    fn stroke(class: &str) -> &'static str {
        match class {
            "b" => "stroke=\"#e69f00\" stroke-width=\"2\" stroke-dasharray=\"6 3\"",
            _ => "stroke=\"#0072b2\" stroke-width=\"2\"",
        }
    }

    fn plot_width() -> f64 {
        WIDTH - LEFT - RIGHT
    }

    fn plot_height() -> f64 {
        HEIGHT - TOP - BOTTOM
    }

    /// The x of a slot's left edge.
    pub(super) fn x(&self, slot: usize) -> f64 {
        LEFT + Self::plot_width() * slot as f64 / self.slots as f64
    }

    pub(super) fn slot_width(&self) -> f64 {
        Self::plot_width() / self.slots as f64
    }

    /// The y of a value (clamped to the plot).
    pub(super) fn y(&self, value: f64) -> f64 {
        let share = (value / self.y_max).clamp(0.0, 1.0);
        TOP + Self::plot_height() * (1.0 - share)
    }

    /// The y axis with a few gridlines, labelled with `unit`.
    pub(super) fn y_axis(&mut self, unit: &str) {
        for step in 0..=4 {
            let value = self.y_max * f64::from(step) / 4.0;
            let y = self.y(value);
            let _ = write!(
                self.out,
                "<line class=\"grid\" stroke=\"#d9d9d9\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>\
                 <text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                WIDTH - RIGHT,
                LEFT - 4.0,
                y + 3.5,
                short(value)
            );
        }
        let _ = write!(
            self.out,
            "<text class=\"unit\" x=\"4\" y=\"{:.1}\">{}</text>",
            TOP - 14.0,
            escape(unit)
        );
    }

    /// Labels under the x axis: every `every`-th slot's label, centred on its slot.
    pub(super) fn x_labels(&mut self, labels: &[String], every: usize) {
        let base = HEIGHT - BOTTOM;
        let _ = write!(
            self.out,
            "<line class=\"axis\" stroke=\"#000\" x1=\"{LEFT}\" y1=\"{base:.1}\" x2=\"{:.1}\" y2=\"{base:.1}\"/>",
            WIDTH - RIGHT
        );
        for (slot, label) in labels.iter().enumerate().step_by(every.max(1)) {
            let x = self.x(slot) + self.slot_width() / 2.0;
            let _ = write!(
                self.out,
                "<text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                base + 14.0,
                escape(label)
            );
        }
    }

    /// A bar in a slot from 0 to `value`; `part` of `parts` side by side; `class` picks its
    /// fill (a shade, or the hatch pattern).
    pub(super) fn bar(
        &mut self,
        slot: usize,
        part: usize,
        parts: usize,
        value: f64,
        class: &str,
        label: &str,
    ) {
        let parts = parts.max(1);
        let width = self.slot_width() * 0.8 / parts as f64;
        let x = self.x(slot) + self.slot_width() * 0.1 + width * part as f64;
        let (top, base) = (self.y(value), self.y(0.0));
        let _ = write!(
            self.out,
            "<rect class=\"bar {class}\" {} x=\"{x:.1}\" y=\"{top:.1}\" width=\"{width:.1}\" \
             height=\"{:.1}\"><title>{}</title></rect>",
            self.fill(class),
            base - top,
            escape(label)
        );
    }

    /// A series of points joined where they are consecutive; `None` breaks the line.
    /// `mark`: `circle` or `square`, so series differ by shape as well as by shade.
    pub(super) fn series(
        &mut self,
        values: &[Option<f64>],
        class: &str,
        mark: &str,
        labels: &[String],
    ) {
        let centre = |svg: &Svg, slot: usize| svg.x(slot) + svg.slot_width() / 2.0;
        let mut run: Vec<String> = Vec::new();
        let mut runs: Vec<Vec<String>> = Vec::new();
        for (slot, value) in values.iter().enumerate() {
            match value {
                Some(value) => run.push(format!("{:.1},{:.1}", centre(self, slot), self.y(*value))),
                None => runs.push(std::mem::take(&mut run)),
            }
        }
        runs.push(run);
        for run in runs.into_iter().filter(|run| run.len() > 1) {
            let _ = write!(
                self.out,
                "<polyline class=\"line {class}\" {} fill=\"none\" points=\"{}\"/>",
                Self::stroke(class),
                run.join(" ")
            );
        }
        for (slot, value) in values.iter().enumerate() {
            let Some(value) = value else { continue };
            let (x, y) = (centre(self, slot), self.y(*value));
            let label = labels.get(slot).map_or("", String::as_str);
            let title = format!("{label}: {}", short(*value));
            match mark {
                "square" => {
                    let _ = write!(
                        self.out,
                        "<rect class=\"point {class}\" {} x=\"{:.1}\" y=\"{:.1}\" width=\"6\" height=\"6\"><title>{}</title></rect>",
                        self.fill(class),
                        x - 3.0,
                        y - 3.0,
                        escape(&title)
                    );
                }
                _ => {
                    let _ = write!(
                        self.out,
                        "<circle class=\"point {class}\" {} cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\"><title>{}</title></circle>",
                        self.fill(class),
                        escape(&title)
                    );
                }
            }
        }
    }

    /// A horizontal reference line (a target or goal), dashed, named at its right end.
    pub(super) fn reference(&mut self, value: f64, label: &str) {
        let y = self.y(value);
        let _ = write!(
            self.out,
            "<line class=\"target\" stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"target-label\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            WIDTH - RIGHT,
            WIDTH - RIGHT + 4.0,
            y + 3.5,
            escape(label)
        );
    }

    /// A vertical reference line at a slot boundary (e.g. the target among bins).
    pub(super) fn reference_at_slot(&mut self, slot: usize, label: &str) {
        let x = self.x(slot);
        let _ = write!(
            self.out,
            "<line class=\"target\" stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\" x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{:.1}\"/>\
             <text class=\"target-label\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            HEIGHT - BOTTOM,
            x + 3.0,
            TOP + 10.0,
            escape(label)
        );
    }

    /// The key, in a row under the plot: each entry's swatch (a bar, a line with its
    /// mark, or the dashed target) and words.
    pub(super) fn legend(&mut self, entries: &[(&str, &str, &str)]) {
        for (column, (kind, class, words)) in entries.iter().enumerate() {
            let y = HEIGHT - 12.0;
            let x = LEFT + 150.0 * column as f64;
            let swatch = match *kind {
                "bar" => format!(
                    "<rect class=\"swatch {class}\" {} x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"10\"/>",
                    self.fill(class),
                    y - 5.0
                ),
                "square" => format!(
                    "<line class=\"swatch {class}\" {} x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>\
                     <rect class=\"mark {class}\" {} x=\"{:.1}\" y=\"{:.1}\" width=\"6\" height=\"6\"/>",
                    Self::stroke(class),
                    x + 14.0,
                    self.fill(class),
                    x + 4.0,
                    y - 3.0
                ),
                "target" => format!(
                    "<line class=\"swatch target\" stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\" x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>",
                    x + 14.0
                ),
                _ => format!(
                    "<line class=\"swatch {class}\" {} x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>\
                     <circle class=\"mark {class}\" {} cx=\"{:.1}\" cy=\"{y:.1}\" r=\"3.5\"/>",
                    Self::stroke(class),
                    x + 14.0,
                    self.fill(class),
                    x + 7.0
                ),
            };
            let _ = write!(
                self.out,
                "{swatch}<text class=\"key\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                x + 18.0,
                y + 3.5,
                escape(words)
            );
        }
    }

    /// Words in the middle of the plot (e.g. why a chart is empty).
    pub(super) fn note(&mut self, words: &str) {
        let _ = write!(
            self.out,
            "<text class=\"note\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            LEFT + Self::plot_width() / 2.0,
            TOP + Self::plot_height() / 2.0,
            escape(words)
        );
    }

    pub(super) fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}
