import NoetherShell

NoetherCommand.main()
