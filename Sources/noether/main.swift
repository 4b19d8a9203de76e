import NoetherShell

NoetherCommand.main(NoetherCommand.normalized(Array(CommandLine.arguments.dropFirst())))
