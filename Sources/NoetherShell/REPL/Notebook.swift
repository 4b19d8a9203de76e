import NoetherLang
import NoetherSyntax

/// The session as numbered cells, like a notebook's:
///
/// - every non-blank cell gets the next number, shown in its prompt (`[3]> `) and
///   naming it in diagnostics (`In[3]:1:5: error: …`);
/// - a cell's value is the value of its last statement when that is an
///   expression — printed or not (a trailing `;` only hides it);
/// - `out[n]` is cell n's value (`nothing` for a cell without one) and `_` the
///   latest value; both are ordinary bindings the notebook keeps current, until
///   the user binds the name themselves (then their binding wins);
/// - `history` lists the cells' texts; `reset` forgets the values, not the texts
///   or the numbering.
public final class Notebook {
    /// The number the next cell gets.
    public private(set) var nextNumber = 1
    /// Every cell run this session, in order.
    public private(set) var cells: [(number: Int, text: String)] = []
    /// `out[n]` for every cell so far (index 0 is unused).
    public private(set) var outputs: [Value] = [.nothing]
    /// Names the notebook binds; they stop being updated once the user binds them.
    public static let lastValueName = "_"
    public static let outputsName = "out"
    private var userOwned: Set<String> = []

    /// Label printed values `out[3]: …` (on a terminal; plain in pipes and batch).
    public var labelsOutputs = false
    /// Colours for diagnostics and labels on standard error / output.
    public var errorStyle = TerminalStyle.plain
    public var outputStyle = TerminalStyle.plain
    /// Whether `clear` may send the clear-screen sequence (standard output is a
    /// terminal other than `dumb`).
    public var canClearScreen = false
    /// Long work of the running cell (always tracked: it names what a Ctrl-C stopped).
    public let progress = ProgressTracker()
    /// Where a labelled cell's value goes instead of the `out[3]:` line (the Jupyter
    /// kernel's `execute_result`); nil prints it.
    public var showValue: ((_ value: Value, _ number: Int) -> Void)?
    /// Offered each printed value of a cell but the last; true when it displayed it
    /// (the kernel's plots as SVG) instead of the printed text. Nil prints them all.
    public var showDisplay: ((_ value: Value) -> Bool)?
    /// Where a failed cell's diagnostic goes, rendered, instead of standard error (the
    /// kernel's error reply); nil prints it.
    public var showError: ((_ diagnostic: Diagnostic, _ rendered: String) -> Void)?

    public init() {}

    /// Numbers and records a new cell.
    @discardableResult
    func begin(_ text: String) -> Int {
        let number = nextNumber
        nextNumber += 1
        cells.append((number, text))
        outputs.append(.nothing)
        return number
    }

    /// Gives a number to a cell that is not kept (one that failed in a recovered
    /// session): the numbering goes on past it.
    func skipNumber() {
        nextNumber += 1
        outputs.append(.nothing)
    }

    /// Records cell `number`'s value and updates `_` and `out`. Names the cell
    /// itself assigned at top level become the user's.
    func finish(_ number: Int, value: Value, assigned: [String], in interpreter: Interpreter) {
        for name in assigned where name == Self.lastValueName || name == Self.outputsName {
            userOwned.insert(name)
        }
        guard number < outputs.count else { return }
        outputs[number] = value
        if case .nothing = value { return }
        if !userOwned.contains(Self.lastValueName) { interpreter.bind(Self.lastValueName, value) }
        if !userOwned.contains(Self.outputsName) { interpreter.bind(Self.outputsName, .list(outputs)) }
    }

    /// Whether `name` is one the notebook maintains (hidden from `vars`).
    func isMaintained(_ name: String) -> Bool {
        (name == Self.lastValueName || name == Self.outputsName) && !userOwned.contains(name)
    }

    /// Forgets every value (the `reset` command); numbering and texts stay.
    func reset() {
        outputs = Array(repeating: .nothing, count: outputs.count)
        userOwned = []
    }
}
