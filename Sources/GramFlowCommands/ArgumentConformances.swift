import ArgumentParser
import GramFlowCore
import OverlapTheory

extension TaskName: ExpressibleByArgument {}
extension Nonlinearity: ExpressibleByArgument {}
extension OverlapUpdate: ExpressibleByArgument {}
extension Optimizer: ExpressibleByArgument {}
