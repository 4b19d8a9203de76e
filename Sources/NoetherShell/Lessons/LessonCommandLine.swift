import NoetherLang

/// `noether lesson [N | FILE.noe] [--check]`.
enum LessonCommandLine {
    /// Lists the lessons, takes one at the prompt (`session` runs the prompt), or
    /// with `check` runs every lesson (or the one named) unattended, each in a fresh
    /// session. Exit status: success when everything checks; failure (1) otherwise;
    /// 66 when there are no lessons or the file is missing.
    static func run(_ argument: String?, check: Bool, session: (Shell) -> ExitStatus) -> ExitStatus {
        let library = LessonLibrary.standard()
        guard check else {
            let shell = Shell()
            shell.journal = Journal(directory: StateDirectory.path())
            guard let argument else {
                shell.console.out(library.listing())
                return library.files.isEmpty ? .noInput : .success
            }
            guard shell.startLesson(Self.value(argument)) else { return .noInput }
            return session(shell)
        }
        var paths = library.files
        if let argument {
            if let n = Int(argument) {
                guard n >= 1, n <= paths.count else {
                    Console.standard.err("noether: error: there are lessons 1 to \(paths.count), not \(argument)")
                    return .noInput
                }
                paths = [paths[n - 1]]
            } else {
                paths = [argument]
            }
        }
        guard !paths.isEmpty else {
            Console.standard.err("noether: error: " + library.listing())
            return .noInput
        }
        var ok = true
        for path in paths {
            switch LessonLibrary.load(path) {
            case .success(let lesson):
                if !Shell().checkLesson(lesson).passed { ok = false }
            case .failure(let error):
                Console.standard.err("noether: error: \(error.message)")
                return .noInput
            }
        }
        return ok ? .success : .failure
    }

    /// A lesson number, or else a file name.
    static func value(_ argument: String) -> Value {
        if let n = Int(argument) { return .number(Double(n)) }
        return .string(argument)
    }
}
