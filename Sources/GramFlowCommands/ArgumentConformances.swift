import ArgumentParser
import GramFlowCore
import OverlapTheory
import Symbolic

extension TaskName: ExpressibleByArgument {}
extension Nonlinearity: ExpressibleByArgument {}
extension OverlapUpdate: ExpressibleByArgument {}
extension Optimizer: ExpressibleByArgument {}
extension DerivationFormat: ExpressibleByArgument {}
