import Foundation

extension Plotting {
    /// A seed folder's figures: heatmaps.png (C̄ and S at the first and the last record,
    /// from the four 4×4 tables) and grouping.png (π of C, C̄ and S per recorded epoch).
    public static func plotMultiTask(in folder: URL, title: String) throws {
        let ticks = "('MP' 0, 'MA' 1, 'DP' 2, 'DA' 3)"
        var script = header(title: title)
        script += "set output 'heatmaps.png'\nset terminal pngcairo size 900,820 enhanced font 'Sans,11'\n"
        script += "unset grid\nset xlabel ''\nset xtics \(ticks)\nset ytics \(ticks)\nset yrange [3.5:-0.5]\nset xrange [-0.5:3.5]\n"
        script += "set cbrange [-1:1]\nset palette defined (-1 'blue', 0 'white', 1 'red')\n"
        script += "set multiplot layout 2,2 title '\(title.replacingOccurrences(of: "'", with: ""))' noenhanced\n"
        for (file, panel) in [("interference-first", "interference C̄, first record"), ("interference-last", "interference C̄, last record"),
                              ("similarity-first", "hidden-state similarity S, first"), ("similarity-last", "hidden-state similarity S, last")] {
            script += "set title '\(panel)' noenhanced\nplot '\(file).csv' matrix with image notitle\n"
        }
        script += "unset multiplot\n"
        try run(script, in: folder)
        var grouping = header(title: title)
        grouping += "set output 'grouping.png'\nset ylabel 'Pro/Anti preference π'\n"
        grouping += "plot 'tracking.csv' using 1:19 with lines lw 1 title 'π(C)', 'tracking.csv' using 1:20 with lines lw 2 title 'π(C̄), cumulative', "
        grouping += "'tracking.csv' using 1:21 with lines lw 2 title 'π(S)', 0 with lines lc 'black' notitle\n"
        try run(grouping, in: folder)
    }
}
