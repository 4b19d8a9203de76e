/// Reads lines at a prompt, with an in-memory history. The REPL talks to this,
/// not to readline, so its loop is tested with a scripted editor.
public protocol LineEditor: AnyObject {
    /// Shows `prompt` and returns what the user entered. `partial` is the cell typed
    /// so far (continuation lines), which completion takes into account.
    func read(prompt: String, partial: String) -> LineInput
    /// Adds a cell to the history that Up and Ctrl-R search.
    func addHistory(_ entry: String)
}
