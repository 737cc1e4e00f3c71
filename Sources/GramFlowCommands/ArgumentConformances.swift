import ArgumentParser
import GramFlowCore
import OverlapTheory
import Symbolic

extension TaskName: ExpressibleByArgument {}
extension Nonlinearity: ExpressibleByArgument {}
extension OverlapUpdate: ExpressibleByArgument {}
extension LossNormalisation: ExpressibleByArgument {}
extension TargetGrid: ExpressibleByArgument {}
extension PulseSchedule: ExpressibleByArgument {}
extension TheoryBatches: ExpressibleByArgument {}
extension Initialization: ExpressibleByArgument {}
extension Optimizer: ExpressibleByArgument {}
extension DerivationFormat: ExpressibleByArgument {}
