import ArgumentParser
import GramFlowCore
import OverlapTheory
import Symbolic

extension TaskName: ExpressibleByArgument {}
extension Nonlinearity: ExpressibleByArgument {}
extension OverlapUpdate: ExpressibleByArgument {}
extension DerivationFormat: ExpressibleByArgument {}
