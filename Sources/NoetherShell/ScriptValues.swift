import NoetherLang
import NoetherSyntax

/// `_` and `out[n]` outside the prompt (batch, `check`, `--recover`): every top-level
/// statement is numbered; `out[n]` is statement n's value when it is an expression
/// (or a bare binding shown by a command word, `run`), else nothing; `_` the latest
/// such value that is not nothing. As at the prompt, a script that binds `_` or `out`
/// itself owns the name from then on.
///
/// The values are kept only while the running source mentions `out` (a script that
/// never does cannot ask for them, and keeping every statement's value of a long
/// script costs memory); the numbering goes on regardless, and values not kept read
/// as nothing.
final class ScriptValues {
    private var outputs: [Value] = [.nothing]
    /// Statements numbered so far.
    private var numbered = 0
    private var owned: Set<String> = []

    func note(_ statement: Statement, _ value: Value, in interpreter: Interpreter, keepingOutputs: Bool) {
        var value = value
        switch statement {
        case .assignment(let name, _, _, _):
            if name == Notebook.lastValueName || name == Notebook.outputsName { owned.insert(name) }
            value = .nothing
        case .expression(_, _): break
        case .command(_, _, let arguments, _) where arguments.isEmpty: break
        default: value = .nothing
        }
        numbered += 1
        if keepingOutputs {
            if outputs.count < numbered {
                outputs.append(contentsOf: repeatElement(.nothing, count: numbered - outputs.count))
            }
            outputs.append(value)
        }
        if case .nothing = value { return }
        if !owned.contains(Notebook.lastValueName) { interpreter.bind(Notebook.lastValueName, value) }
        // Binding the whole list after every statement would copy it each time; scripts
        // that never mention `out` skip it.
        if keepingOutputs && !owned.contains(Notebook.outputsName) {
            interpreter.bind(Notebook.outputsName, .list(outputs))
        }
    }
}
