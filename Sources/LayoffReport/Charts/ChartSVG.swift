import StatKit

extension Chart {
    /// The chart as a standalone SVG document (UTF-8 text, `\n` line ends, ends with `\n`).
    ///
    /// Deterministic: the same chart always gives the same bytes. Text is XML-escaped.
    public func svg() -> String {
        ChartRenderer(chart: self).render()
    }
}

/// Lays out and draws a ``Chart``.
struct ChartRenderer {
    let chart: Chart

    // Typography (px).
    static let pad = 20.0
    static let titleSize = 20.0
    static let subtitleSize = 14.0
    static let tickSize = 12.0
    static let axisTitleSize = 13.0
    static let legendSize = 13.0
    static let noteSize = 11.0
    static let labelSize = 11.0

    struct LegendItem {
        enum Swatch { case bar, outlinedBar, line(dashed: Bool, marker: Bool), point }
        var name: String
        var color: String
        var swatch: Swatch
    }

    struct XTick {
        var position: Double      // data value of the tick mark
        var labelPosition: Double // data value where the label is centred
        var primary: String
        var secondary: String?
    }

    /// Renders with room for `xLabelLines` lines of x tick labels (date axes reserve two,
    /// and render again with one if no tick needs a year line).
    func render(xLabelLines requestedLines: Int? = nil) -> String {
        let c = chart
        let W = c.width, H = c.height, pad = Self.pad

        // Colours: explicit, or the next palette colour in layer order.
        var nextColor = 0
        var colors: [String] = []
        for layer in c.layers {
            let explicit: String?
            switch layer {
            case .bars(let l): explicit = l.color
            case .line(let l): explicit = l.color
            case .points(let l): explicit = l.color
            case .straightLine(let l): explicit = l.color
            }
            if let explicit { colors.append(explicit) } else {
                colors.append(ChartPalette.okabeIto[nextColor % ChartPalette.okabeIto.count])
                nextColor += 1
            }
        }

        // Legend entries.
        var items: [LegendItem] = []
        for (i, layer) in c.layers.enumerated() {
            switch layer {
            case .bars(let l) where !l.name.isEmpty:
                items.append(.init(name: l.name, color: colors[i], swatch: l.outlined ? .outlinedBar : .bar))
            case .line(let l) where !l.name.isEmpty:
                items.append(.init(name: l.name, color: colors[i], swatch: .line(dashed: l.dashed, marker: l.markers)))
            case .points(let l) where !l.name.isEmpty:
                items.append(.init(name: l.name, color: colors[i], swatch: .point))
            case .straightLine(let l):
                if let n = l.name, !n.isEmpty { items.append(.init(name: n, color: colors[i], swatch: .line(dashed: l.dashed, marker: false))) }
            default: break
            }
        }
        let showLegend = c.legend != .hidden && items.count >= 2
        func itemWidth(_ item: LegendItem) -> Double { 26 + TextMetrics.width(item.name, size: Self.legendSize) }
        // A right-hand legend that would take more than 30% of the width goes below instead.
        let rightFits = (items.map(itemWidth).max() ?? 0) <= W * 0.3
        let legendRight = showLegend && c.legend == .right && rightFits
        let legendBottom = showLegend && (c.legend == .bottom || (c.legend == .right && !rightFits))

        // Data extents.
        var xs: [Double] = [], ys: [Double] = []
        var hasBars = false
        for layer in c.layers {
            switch layer {
            case .bars(let l):
                hasBars = true
                for b in l.bars where b.start.isFinite && b.end.isFinite {
                    xs.append(b.start); xs.append(b.end)
                    if let v = b.value, v.isFinite { ys.append(v) }
                }
            case .line(let l):
                for p in l.points where p.x.isFinite { xs.append(p.x); if let y = p.y, y.isFinite { ys.append(y) } }
            case .points(let l):
                for p in l.points where p.x.isFinite { if let y = p.y, y.isFinite { xs.append(p.x); ys.append(y) } }
            case .straightLine: break
            }
        }
        if hasBars || c.y.includeZero { ys.append(0) }
        if c.x.includeZero && c.xScale == .linear { xs.append(0) }

        // Vertical layout.
        var top = pad + 18
        // Title, subtitle and note wrap at word boundaries to the chart width.
        let textWidth = W - 2 * pad
        let titleLines = TextMetrics.wrap(c.title, width: textWidth, size: Self.titleSize, bold: true)
        let subtitleLines = c.subtitle.map { TextMetrics.wrap($0, width: textWidth, size: Self.subtitleSize) } ?? []
        let noteLines = c.note.map { TextMetrics.wrap($0, width: textWidth, size: Self.noteSize) } ?? []
        let titleBaseline = top
        top += 25 * Double(max(0, titleLines.count - 1))
        var subtitleBaseline: Double? = nil
        if !subtitleLines.isEmpty {
            subtitleBaseline = top + 22
            top += 22 + 18 * Double(subtitleLines.count - 1)
        }
        // The y-axis title sits horizontally above the tick labels (no rotated text, so it
        // fits however short the plot is).
        var yTitleBaseline: Double? = nil
        if c.y.label != nil { top += 24; yTitleBaseline = top }
        let plotTop = top + (c.y.label != nil ? 16 : 26)
        let xLabelLines = requestedLines ?? (c.xScale == .date ? 2 : 1)
        // Legend rows (bottom): wrap within the width left of the right padding.
        var legendRows: [[LegendItem]] = []
        if legendBottom {
            let available = W - 2 * pad - 70
            var row: [LegendItem] = [], rowWidth = 0.0
            for item in items {
                let w = itemWidth(item) + 18
                if !row.isEmpty && rowWidth + w > available { legendRows.append(row); row = []; rowWidth = 0 }
                row.append(item); rowWidth += w
            }
            if !row.isEmpty { legendRows.append(row) }
        }
        var below = 20 + 15 * Double(xLabelLines - 1)
        if c.x.label != nil { below += 26 }
        let legendOffset = below + 26  // from plot bottom to the first legend row's midline
        if !legendRows.isEmpty { below += 14 + 22 * Double(legendRows.count) }
        if !noteLines.isEmpty { below += 24 + 14 * Double(noteLines.count - 1) }
        below += 12
        let plotBottom = H - below
        let plotHeight = max(40, plotBottom - plotTop)

        // Y scale.
        let yLo = c.y.minimum ?? ys.min() ?? 0
        let yHi = c.y.maximum ?? ys.max() ?? 1
        let yTicksWanted = min(8, max(3, Int(plotHeight / 45) + 1))
        let yScale = NiceScale(min: yLo, max: yHi, maxTicks: yTicksWanted)
        let yDomain = (c.y.minimum ?? yScale.lower, c.y.maximum ?? yScale.upper)
        let yTicks = yScale.ticks.filter { $0 >= yDomain.0 - 1e-9 * yScale.step && $0 <= yDomain.1 + 1e-9 * yScale.step }
        let yLabels = yTicks.map { Self.tickLabel($0, scale: yScale, format: c.y.format) }
        let yLabelWidth = yLabels.map { TextMetrics.width($0, size: Self.tickSize) }.max() ?? 0

        // Horizontal layout.
        let plotLeft = pad + yLabelWidth + 10
        var legendWidth = 0.0
        if legendRight { legendWidth = (items.map(itemWidth).max() ?? 0) + 8 }
        let plotRight = legendRight ? W - pad - legendWidth - 18 : W - pad - 16
        let plotWidth = max(40, plotRight - plotLeft)

        // X scale and ticks.
        var xDomain: (Double, Double)
        var xTicks: [XTick] = []
        var xGrid = false
        switch c.xScale {
        case .linear:
            xGrid = true
            let lo = c.x.minimum ?? xs.min() ?? 0, hi = c.x.maximum ?? xs.max() ?? 1
            var wanted = min(10, max(2, Int(plotWidth / 80) + 1))
            var scale = NiceScale(min: lo, max: hi, maxTicks: wanted)
            while true {
                let labels = scale.ticks.map { Self.tickLabel($0, scale: scale, format: c.x.format) }
                let widest = labels.map { TextMetrics.width($0, size: Self.tickSize) }.max() ?? 0
                let spacing = plotWidth / Double(max(1, scale.ticks.count - 1))
                if widest + 14 <= spacing || wanted <= 2 { break }
                wanted -= 1
                scale = NiceScale(min: lo, max: hi, maxTicks: wanted)
            }
            xDomain = (c.x.minimum ?? scale.lower, c.x.maximum ?? scale.upper)
            for t in scale.ticks where t >= xDomain.0 - 1e-9 * scale.step && t <= xDomain.1 + 1e-9 * scale.step {
                xTicks.append(.init(position: t, labelPosition: t, primary: Self.tickLabel(t, scale: scale, format: c.x.format), secondary: nil))
            }
        case .date:
            var lo = c.x.minimum ?? xs.min() ?? 0, hi = c.x.maximum ?? xs.max() ?? 30
            if hi - lo < 1 { lo -= 15; hi += 15 }
            xDomain = (lo, hi)
            let first = Day(number: Int32(lo.rounded(.up))), last = Day(number: Int32(hi.rounded(.down)))
            let pxPerDay = plotWidth / (hi - lo)
            var chosen = DateTicks(from: first, to: last, monthStep: DateTicks.monthSteps.last!)
            for step in DateTicks.monthSteps {
                let ticks = DateTicks(from: first, to: last, monthStep: step)
                let labels = ticks.labels
                let widest = labels.map { TextMetrics.width($0.primary, size: Self.tickSize) }.max() ?? 0
                let yearWidth = TextMetrics.width("0000", size: Self.tickSize)
                let spacing = Double(step) * 30.4 * pxPerDay
                let yearSpacing = Double(max(step, 12)) * 30.4 * pxPerDay
                if widest + 10 <= spacing && yearWidth + 10 <= yearSpacing { chosen = ticks; break }
            }
            let centred = hasBars && chosen.monthStep < 12
            for (d, label) in zip(chosen.ticks, chosen.labels) {
                let pos = Double(d.number)
                let labelPos = centred ? (pos + Double(d.addingMonths(1).number)) / 2 : pos
                guard !centred || labelPos <= hi else { continue }
                xTicks.append(.init(position: pos, labelPosition: labelPos, primary: label.primary, secondary: label.secondary))
            }
        }
        if xLabelLines == 2 && !xTicks.contains(where: { $0.secondary != nil }) { return render(xLabelLines: 1) }
        if xDomain.1 <= xDomain.0 { xDomain.1 = xDomain.0 + 1 }
        let yDom = yDomain.1 > yDomain.0 ? yDomain : (yDomain.0, yDomain.0 + 1)

        func px(_ x: Double) -> Double { plotLeft + (x - xDomain.0) / (xDomain.1 - xDomain.0) * plotWidth }
        func py(_ y: Double) -> Double { plotBottom - (y - yDom.0) / (yDom.1 - yDom.0) * plotHeight }
        func inDomain(_ x: Double, _ y: Double) -> Bool {
            x >= xDomain.0 && x <= xDomain.1 && y >= yDom.0 && y <= yDom.1
        }

        // Document.
        var s = SVGBuilder()
        let clipID = "plot-" + Self.hashHex(c.title + "|" + (c.subtitle ?? "") + "|\(c.layers.count)")
        s.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(SVGBuilder.num(W))\" height=\"\(SVGBuilder.num(H))\" viewBox=\"0 0 \(SVGBuilder.num(W)) \(SVGBuilder.num(H))\" font-family=\"\(TextMetrics.fontFamily)\" role=\"img\" aria-label=\"\(XMLText.escape(c.title))\">")
        s.raw("<title>\(XMLText.escape(c.title))</title>")
        if let sub = c.subtitle { s.raw("<desc>\(XMLText.escape(sub))</desc>") }
        s.raw("<defs><clipPath id=\"\(clipID)\"><rect x=\"\(SVGBuilder.num(plotLeft - 1))\" y=\"\(SVGBuilder.num(plotTop - 1))\" width=\"\(SVGBuilder.num(plotWidth + 2))\" height=\"\(SVGBuilder.num(plotHeight + 2))\"/></clipPath></defs>")
        s.rect(0, 0, W, H, fill: "#ffffff")

        // Titles.
        for (k, line) in titleLines.enumerated() {
            s.text(pad, titleBaseline + 25 * Double(k), line, size: Self.titleSize, bold: true)
        }
        if let b = subtitleBaseline {
            for (k, line) in subtitleLines.enumerated() {
                s.text(pad, b + 18 * Double(k), line, size: Self.subtitleSize, fill: ChartPalette.secondary)
            }
        }

        // Grid and y tick labels.
        s.raw("<g class=\"y-axis\">")
        for (t, label) in zip(yTicks, yLabels) {
            let y = py(t)
            if t != 0 { s.line(plotLeft, y, plotRight, y, stroke: ChartPalette.grid) }
            s.text(plotLeft - 8, y + Self.tickSize * 0.35, label, size: Self.tickSize, fill: ChartPalette.secondary, anchor: .end)
        }
        if let label = c.y.label, let baseline = yTitleBaseline {
            s.text(pad, baseline, label, size: Self.axisTitleSize, fill: ChartPalette.text)
        }
        s.raw("</g>")

        // X ticks and labels.
        s.raw("<g class=\"x-axis\">")
        for t in xTicks {
            let x = px(t.position)
            if xGrid { s.line(x, plotTop, x, plotBottom, stroke: ChartPalette.grid) }
            s.line(x, plotBottom, x, plotBottom + 5, stroke: ChartPalette.axis)
            let lx = px(t.labelPosition)
            s.text(lx, plotBottom + 20, t.primary, size: Self.tickSize, fill: ChartPalette.secondary, anchor: .middle)
            if let sec = t.secondary { s.text(lx, plotBottom + 35, sec, size: Self.tickSize, fill: ChartPalette.text, anchor: .middle, bold: true) }
        }
        if let label = c.x.label {
            let baseline = plotBottom + 20 + 15 * Double(xLabelLines - 1) + 26
            s.text((plotLeft + plotRight) / 2, baseline, label, size: Self.axisTitleSize, fill: ChartPalette.text, anchor: .middle)
        }
        s.raw("</g>")

        // Layers.
        let clip = " clip-path=\"url(#\(clipID))\""
        var placedLabels: [(Double, Double, Double, Double)] = []
        var allPoints: [(Double, Double)] = []
        for layer in c.layers {
            if case .points(let l) = layer {
                for p in l.points { if let y = p.y, y.isFinite, p.x.isFinite { allPoints.append((px(p.x), py(y))) } }
            }
        }
        for (i, layer) in c.layers.enumerated() {
            let color = colors[i]
            switch layer {
            case .bars(let l):
                s.raw("<g class=\"bars\" data-series=\"\(XMLText.escape(l.name))\"\(clip)>")
                let zero = py(min(max(0, yDom.0), yDom.1))
                for b in l.bars {
                    guard let v = b.value, v.isFinite, b.start.isFinite, b.end.isFinite else { continue }
                    let x0 = px(b.start), x1 = px(b.end)
                    let inset = max(0.5, (x1 - x0) * 0.14)
                    let yv = py(v)
                    if l.outlined {
                        s.rect(x0 + inset, min(zero, yv), x1 - x0 - 2 * inset, abs(zero - yv), fill: "none", stroke: color, strokeWidth: 1.5)
                    } else {
                        s.rect(x0 + inset, min(zero, yv), x1 - x0 - 2 * inset, abs(zero - yv), fill: color)
                    }
                }
                s.raw("</g>")
            case .line(let l):
                s.raw("<g class=\"line\" data-series=\"\(XMLText.escape(l.name))\"\(clip)>")
                var segments: [[(Double, Double)]] = [], current: [(Double, Double)] = []
                for p in l.points {
                    if let y = p.y, y.isFinite, p.x.isFinite { current.append((px(p.x), py(y))) }
                    else if !current.isEmpty { segments.append(current); current = [] }
                }
                if !current.isEmpty { segments.append(current) }
                var d = ""
                for seg in segments where seg.count >= 2 {
                    for (k, p) in seg.enumerated() {
                        d += (k == 0 ? (d.isEmpty ? "M" : " M") : " L") + SVGBuilder.num(p.0) + " " + SVGBuilder.num(p.1)
                    }
                }
                if !d.isEmpty {
                    var path = "<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2.25\" stroke-linejoin=\"round\" stroke-linecap=\"round\""
                    if l.dashed { path += " stroke-dasharray=\"6 4\"" }
                    s.raw(path + "/>")
                }
                for seg in segments where seg.count == 1 || l.markers {
                    for p in seg { s.circle(p.0, p.1, r: l.markers ? 3.5 : 2.5, fill: color, stroke: l.markers ? "#ffffff" : nil, strokeWidth: 1) }
                }
                s.raw("</g>")
            case .points(let l):
                s.raw("<g class=\"points\" data-series=\"\(XMLText.escape(l.name))\">")
                for p in l.points {
                    guard let y = p.y, y.isFinite, p.x.isFinite, inDomain(p.x, y) else { continue }
                    s.circle(px(p.x), py(y), r: 4, fill: color, stroke: "#ffffff", strokeWidth: 0.8, opacity: "0.85")
                }
                for (k, p) in l.points.enumerated() where k < l.labels.count {
                    guard let text = l.labels[k], !text.isEmpty, let y = p.y, y.isFinite, p.x.isFinite, inDomain(p.x, y) else { continue }
                    let cx = px(p.x), cy = py(y)
                    let w = TextMetrics.width(text, size: Self.labelSize), h = Self.labelSize
                    // Candidate boxes (x0, y0, x1, y1) with the text anchor and baseline.
                    let candidates: [(box: (Double, Double, Double, Double), x: Double, y: Double, anchor: SVGBuilder.Anchor)] = [
                        ((cx + 7, cy - h * 0.7, cx + 7 + w, cy + h * 0.35), cx + 7, cy + h * 0.35, .start),
                        ((cx - 7 - w, cy - h * 0.7, cx - 7, cy + h * 0.35), cx - 7, cy + h * 0.35, .end),
                        ((cx - w / 2, cy - 7 - h, cx + w / 2, cy - 7), cx, cy - 8, .middle),
                        ((cx - w / 2, cy + 7, cx + w / 2, cy + 7 + h), cx, cy + 7 + h * 0.8, .middle),
                    ]
                    for cand in candidates {
                        let b = cand.box
                        guard b.0 >= plotLeft, b.2 <= plotRight, b.1 >= plotTop, b.3 <= plotBottom else { continue }
                        let hitsLabel = placedLabels.contains { $0.0 < b.2 && b.0 < $0.2 && $0.1 < b.3 && b.1 < $0.3 }
                        let hitsPoint = allPoints.contains { pt in
                            pt.0 + 4 > b.0 && pt.0 - 4 < b.2 && pt.1 + 4 > b.1 && pt.1 - 4 < b.3
                        }
                        if hitsLabel || hitsPoint { continue }
                        placedLabels.append(b)
                        s.text(cand.x, cand.y, text, size: Self.labelSize, fill: ChartPalette.secondary, anchor: cand.anchor, halo: true)
                        break
                    }
                }
                s.raw("</g>")
            case .straightLine(let l):
                let x0 = xDomain.0, x1 = xDomain.1
                s.raw("<g class=\"straight-line\"\(clip)>")
                s.line(px(x0), py(l.intercept + l.slope * x0), px(x1), py(l.intercept + l.slope * x1),
                       stroke: color, width: 1.75, dash: l.dashed ? "6 4" : nil)
                s.raw("</g>")
            }
        }

        // Zero line (or the bottom axis line).
        let axisY = (yDom.0 <= 0 && 0 <= yDom.1) ? py(0) : plotBottom
        s.line(plotLeft, axisY, plotRight, axisY, stroke: ChartPalette.axis, width: 1.25)

        // Legend.
        if showLegend {
            s.raw("<g class=\"legend\">")
            func swatch(_ item: LegendItem, _ x: Double, _ midY: Double) {
                switch item.swatch {
                case .bar: s.rect(x, midY - 6, 14, 12, fill: item.color)
                case .outlinedBar: s.rect(x + 0.75, midY - 5.25, 12.5, 10.5, fill: "none", stroke: item.color, strokeWidth: 1.5)
                case .line(let dashed, let marker):
                    s.line(x - 2, midY, x + 18, midY, stroke: item.color, width: 2.25, dash: dashed ? "6 4" : nil)
                    if marker { s.circle(x + 8, midY, r: 3.5, fill: item.color, stroke: "#ffffff", strokeWidth: 1) }
                case .point: s.circle(x + 8, midY, r: 4.5, fill: item.color, opacity: "0.85")
                }
            }
            if legendRight {
                let x0 = plotRight + 18
                for (k, item) in items.enumerated() {
                    let midY = plotTop + 8 + 22 * Double(k)
                    swatch(item, x0, midY)
                    s.text(x0 + 26, midY + Self.legendSize * 0.35, item.name, size: Self.legendSize)
                }
            } else {
                for (r, row) in legendRows.enumerated() {
                    let midY = plotBottom + legendOffset + 22 * Double(r)
                    var x = plotLeft
                    for item in row {
                        swatch(item, x, midY)
                        s.text(x + 26, midY + Self.legendSize * 0.35, item.name, size: Self.legendSize)
                        x += itemWidth(item) + 18
                    }
                }
            }
            s.raw("</g>")
        }

        for (k, line) in noteLines.enumerated() {
            s.text(pad, H - 14 - 14 * Double(noteLines.count - 1 - k), line, size: Self.noteSize, fill: ChartPalette.secondary)
        }
        s.raw("</svg>")
        return s.body
    }

    /// Tick label for `value` on `scale`: thousands separators, decimals from the step.
    static func tickLabel(_ value: Double, scale: NiceScale, format: Chart.TickFormat) -> String {
        switch format {
        case .number: return NumberFormat.fixed(value, decimals: scale.fractionDigits, grouping: true)
        case .percent: return NumberFormat.fixed(value * 100, decimals: max(0, scale.fractionDigits - 2), grouping: true) + "%"
        }
    }

    /// FNV-1a hash of `s` as 8 hex digits (stable across runs, unlike `Hasher`).
    static func hashHex(_ s: String) -> String {
        var h: UInt32 = 2_166_136_261
        for b in s.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
