import GramFlowCommands

GramFlowCommand.main()
