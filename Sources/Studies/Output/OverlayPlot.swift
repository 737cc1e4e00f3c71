import Foundation
import GramFlowCore
import OverlapTheory

extension Plotting {
    /// overlaps-overlay-visible.png and overlaps-overlay-invisible.png for a validation:
    /// each overlap of theory/trajectory.csv (thick solid) and network/trajectory.csv (thin
    /// dashed, drawn over it in a darker shade of the same colour) in one panel, so the two
    /// stay distinguishable where they coincide.
    public static func plotOverlay(in folder: URL, layout: VectorLayout, visibility: Visibility, title: String) throws {
        // (light, dark) shades of one hue per overlap: theory light and wide, network dark and dashed.
        let pairs = [("#9ecae1", "#08306b"), ("#fdae6b", "#7f2704"), ("#a1d99b", "#00441b"), ("#bcbddc", "#3f007d"),
                     ("#fc9272", "#67000d"), ("#d9d9d9", "#000000"), ("#fdd0a2", "#8c2d04"), ("#c7e9c0", "#005a32")]
        var script = header(title: title)
        for (visible, file) in [(true, "overlaps-overlay-visible.png"), (false, "overlaps-overlay-invisible.png")] {
            let columns = visibility.isVisible.indices.filter { visibility.isVisible[$0] == visible }
            guard !columns.isEmpty else { continue }
            script += "set output '\(file)'\nset ylabel '\(visible ? "loss-visible" : "loss-invisible") overlaps: theory (solid), network (dashed)'\n"
            script += "plot " + columns.enumerated().flatMap { k, column -> [String] in
                let (light, dark) = pairs[k % pairs.count]
                return ["'theory/trajectory.csv' using 1:\(column + 3) with lines lw 5 lc rgb '\(light)' title '\(layout.overlapNames[column]) theory'",
                        "'network/trajectory.csv' using 1:\(column + 3) with lines lw 1.5 dt 2 lc rgb '\(dark)' title '\(layout.overlapNames[column]) network'"]
            }.joined(separator: ", \\\n     ") + "\n"
        }
        try run(script, in: folder)
    }
}
