/// A session command (`save "s.noe"`, `help train` …), declared as data like a
/// builtin: help, the overview and docs/language.md are generated from it. The
/// interpreter runs `help` and `explain`; the shell runs the others.
public struct CommandDeclaration: Sendable {
    public let name: String
    /// The argument part of the usage line, e.g. `"FILE.noe"`; empty for none.
    public let arguments: String
    public let abstract: String
    public let discussion: String
    public let example: String

    public init(_ name: String, arguments: String = "", abstract: String, discussion: String = "", example: String) {
        self.name = name
        self.arguments = arguments
        self.abstract = abstract
        self.discussion = discussion
        self.example = example
    }

    /// `save "FILE.noe"`.
    public var usage: String { arguments.isEmpty ? name : "\(name) \(arguments)" }

    /// The text `help NAME` prints.
    public var help: String {
        helpPage("\(usage)   (command)", abstract: abstract, discussion: discussion, example: example)
    }
}

/// The commands of the language and the session.
enum Commands {
    static let all: [CommandDeclaration] = [
        CommandDeclaration(
            "help", arguments: "[NAME | \"TEXT\"]",
            abstract: "Lists the builtins by category, shows one builtin, type or command, or searches.",
            discussion: """
                help alone lists everything. help NAME shows a builtin's signature, every argument
                with its type, default and meaning, and an example; help TYPE lists a type's fields.
                A word that names nothing — or any quoted text — searches names, abstracts and
                fields: help "drift". On a name you bound, help NAME describes its value: type,
                summary, fields and the cell that bound it (help run.C: one field); at the prompt
                ?NAME and NAME? are shorthands for it.
                """,
            example: "help train"),
        CommandDeclaration(
            "explain", arguments: "[NAME]",
            abstract: "The exact definition of a quantity a run reports: formula, averaging, layers, timing.",
            discussion: "explain alone lists the quantities; explain run.C or explain C names one field of a type.",
            example: "explain drift"),
        CommandDeclaration(
            "save", arguments: "\"FILE.noe\" [overwrite]",
            abstract: "Writes the session so far as a script that replays and checks itself.",
            discussion: """
                Every cell that ran without error, in the order it ran, each followed by its output as
                #=> lines, under a header comment (Noether version, date, BLAS threads). Prose lines
                (## …) you typed are kept. Cells that only ran help, explain, save or quit are left
                out. Replay with `noether FILE.noe`; verify with `noether check FILE.noe`.
                A name ending in .ipynb writes a Jupyter notebook instead, one code cell per cell
                with its output (docs/jupyter.md). A file that exists is replaced only when this
                session wrote it, or with the word overwrite after the name; under noether check
                the file goes to a temporary folder.
                """,
            example: "save \"session.noe\""),
        CommandDeclaration(
            "run", arguments: "\"FILE.noe\"",
            abstract: "Runs a script in this session: its bindings stay, its outputs print.",
            discussion: """
                Stops at the script's first error; the bindings it made before stay. Relative names
                are relative to the working directory. `load` is the same command.
                """,
            example: "run \"examples/quickstart.noe\""),
        CommandDeclaration(
            "load", arguments: "\"FILE.noe\"",
            abstract: "The same as run: runs a script in this session.",
            example: "load \"setup.noe\""),
        CommandDeclaration(
            "lesson", arguments: "[N]",
            abstract: "Lists the lessons with your progress, or takes one step by step at the prompt.",
            discussion: """
                lesson alone lists the lessons (examples/lessons, or the folder in $NOETHER_LESSONS).
                lesson 3 starts lesson 3, or resumes it where you left it (replaying the earlier
                cells first); lesson 3 restart starts it over. Each step shows prose and a cell:
                Enter runs the cell, and any cell you type runs as your own. On a line of its own:
                next (run and go on), skip, back, hint, show, quit (leaves the lesson, not Noether).
                Some steps ask you to predict a number first; the cell then runs and the lesson
                compares your guess with the engine's value. Progress is saved in the state folder.
                lesson "my-lesson.noe" takes a lesson from a file. lesson check 3 runs lesson 3
                unattended and checks its recorded outputs (noether lesson --check does every one).
                """,
            example: "lesson 1"),
        CommandDeclaration(
            "quit",
            abstract: "Leaves the session (so do exit and Ctrl-D). Nothing is lost: the journal has every cell.",
            example: "quit"),
    ]
}
