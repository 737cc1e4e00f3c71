import GramFlowCommands

GramFlowCommand.start()
