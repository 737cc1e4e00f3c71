/// An n-dimensional array of float64 values in C (row-major) order, as NumPy
/// stores an array with `fortran_order: False`: the last index varies fastest.
public struct NumPyArray: Equatable, Sendable {
    /// The length of each axis; `[]` for a scalar (one value).
    public let shape: [Int]
    /// The values in C order; `values.count` is the product of `shape`.
    public var values: [Double]

    public init(shape: [Int], values: [Double]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative axis length in \(shape)")
        precondition(values.count == shape.reduce(1, *),
                     "\(values.count) values for shape \(shape) (\(shape.reduce(1, *)) expected)")
        self.shape = shape
        self.values = values
    }

    /// A rows×cols matrix from row-major values.
    public init(rows: Int, cols: Int, values: [Double]) { self.init(shape: [rows, cols], values: values) }

    /// The number of axes.
    public var rank: Int { shape.count }

    /// The number of values.
    public var count: Int { values.count }

    /// The value at a multi-index (C order).
    public subscript(_ index: Int...) -> Double {
        precondition(index.count == shape.count, "\(index.count) indices for a \(shape.count)-d array")
        var flat = 0
        for (i, n) in zip(index, shape) { precondition(i >= 0 && i < n); flat = flat * n + i }
        return values[flat]
    }

    /// The first non-finite value's flat position, or nil when every value is finite.
    public var firstNonFinite: Int? { values.firstIndex { !$0.isFinite } }

    /// `(2, 3)`-style text of the shape, as NumPy prints it.
    public var shapeDescription: String { NPYHeader.shapeLiteral(shape) }
}
