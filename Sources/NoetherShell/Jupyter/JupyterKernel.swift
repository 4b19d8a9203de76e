#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZeroMQ
import Foundation
import NoetherLang
import NoetherSyntax

/// Noether as a Jupyter kernel, speaking the messaging protocol v5.3 natively over
/// ZeroMQ: every cell runs through `Shell.runCell`, the very path of the REPL, in one
/// `Shell` for the kernel's life — same interpreter, numbering, `_`/`out[n]`,
/// journal, errors and completion as at the prompt.
///
/// Channels: shell (requests, on the main thread, where cells run), control (its own
/// thread, so `interrupt_request` and `shutdown_request` are heard while a cell runs),
/// iopub (broadcasts, behind a lock: progress may report from worker threads), stdin
/// (bound; Noether never asks for input) and heartbeat (an echo device on its own
/// thread). A message whose signature does not verify, or that is not a well-formed
/// message, is logged on standard error and dropped, never executed.
///
/// Interrupts: the kernelspec says `interrupt_mode: signal`, so clients send SIGINT,
/// which raises the interpreter's interrupt flag exactly as Ctrl-C does at the prompt
/// (long work stops within a poll; every binding survives).
final class JupyterKernel: @unchecked Sendable {
    let connection: ConnectionInfo
    private(set) var shell: Shell!
    private let signer: MessageSigner
    private let session = UUID().uuidString.lowercased()
    private let context: ZMQContext
    private let shellSocket: ZMQSocket
    private let controlSocket: ZMQSocket
    private let stdinSocket: ZMQSocket
    private let iopubSocket: ZMQSocket
    private let heartbeatSocket: ZMQSocket
    private let lock = NSLock()
    /// The header of the request being handled on the shell channel (parent of streams).
    private var parentHeader: [String: Any] = [:]
    private var progress = ProgressDisplay()
    /// While a `silent` request runs: nothing is broadcast on iopub but the busy/idle status.
    private var muted = false
    private let log: @Sendable (String) -> Void

    /// Binds every channel of the connection; the shell session starts empty.
    init(connection: ConnectionInfo, log: @escaping @Sendable (String) -> Void) throws {
        self.connection = connection
        self.log = log
        signer = MessageSigner(key: Array(connection.key.utf8))
        context = try ZMQContext()
        shellSocket = try context.socket(ZMQ_ROUTER)
        controlSocket = try context.socket(ZMQ_ROUTER)
        stdinSocket = try context.socket(ZMQ_ROUTER)
        iopubSocket = try context.socket(ZMQ_PUB)
        heartbeatSocket = try context.socket(ZMQ_ROUTER)
        try shellSocket.bind(connection.endpoint(connection.shellPort))
        try controlSocket.bind(connection.endpoint(connection.controlPort))
        try stdinSocket.bind(connection.endpoint(connection.stdinPort))
        try iopubSocket.bind(connection.endpoint(connection.iopubPort))
        try heartbeatSocket.bind(connection.endpoint(connection.heartbeatPort))
        let console = Console(
            out: { [unowned self] text in self.stream("stdout", text + "\n") },
            err: { [unowned self] text in self.stream("stderr", text + "\n") })
        shell = Shell(console: console)
        // Journalled like a prompt session: a kernel that dies loses no finished cell.
        shell.journal = Journal(directory: StateDirectory.path())
        let notebook = shell.notebook
        notebook.labelsOutputs = true
        notebook.showValue = { [unowned self] value, number in self.showValue(value, number: number) }
        notebook.showDisplay = { [unowned self] value in self.showDisplay(value) }
        notebook.progress.observe { [unowned self] tasks in self.showProgress(tasks) }
    }

    /// Serves until a shutdown request (then the process exits).
    func serve() -> Never {
        Signals.install(raising: shell.interpreter.interrupt)
        let heartbeat = Thread { [heartbeatSocket] in heartbeatSocket.echoForever() }
        heartbeat.start()
        let control = Thread { [unowned self] in
            while true { self.receive(on: self.controlSocket, channel: "control") }
        }
        control.start()
        publish("status", content: ["execution_state": "starting"], parent: [:])
        while true { receive(on: shellSocket, channel: "shell") }
    }

    // MARK: - Receiving

    private func receive(on socket: ZMQSocket, channel: String) {
        let frames: [[UInt8]]
        do {
            guard let received = try socket.receive() else { return }
            frames = received
        } catch {
            log("noether kernel: \(channel): \(error)")
            return
        }
        let request: JupyterMessage
        do {
            request = try JupyterMessage.decode(frames, signer: signer)
        } catch {
            log("noether kernel: rejected a message on the \(channel) channel: \(error)")
            return
        }
        publish("status", content: ["execution_state": "busy"], parent: request.header)
        handle(request, on: socket, channel: channel)
        publish("status", content: ["execution_state": "idle"], parent: request.header)
    }

    private func handle(_ request: JupyterMessage, on socket: ZMQSocket, channel: String) {
        let content = request.content
        // Control answers only what must be heard while a cell runs: the shell's state
        // belongs to the main thread.
        let controlTypes: Set = ["kernel_info_request", "interrupt_request", "shutdown_request"]
        if channel == "control" && !controlTypes.contains(request.type) {
            log("noether kernel: ignored a '\(request.type)' message on the control channel")
            return
        }
        switch request.type {
        case "kernel_info_request":
            reply(request, on: socket, content: kernelInfo)
        case "execute_request" where channel == "shell":
            let content = execute(request)
            reply(request, on: socket, content: content)
            if content["status"] as? String == "error", request.content["stop_on_error"] as? Bool ?? true {
                abortQueuedCells()
            }
        case "complete_request":
            reply(request, on: socket, content: JupyterRequests.complete(content, shell: shell))
        case "inspect_request":
            reply(request, on: socket, content: JupyterRequests.inspect(content, shell: shell))
        case "is_complete_request":
            reply(request, on: socket, content: JupyterRequests.isComplete(content))
        case "history_request":
            reply(request, on: socket, content: JupyterRequests.history(content, shell: shell))
        case "comm_info_request":
            reply(request, on: socket, content: ["status": "ok", "comms": [String: Any]()])
        case "interrupt_request":
            shell.interpreter.interrupt.raise()
            reply(request, on: socket, content: ["status": "ok"])
        case "shutdown_request":
            let restart = content["restart"] as? Bool ?? false
            reply(request, on: socket, content: ["status": "ok", "restart": restart])
            publish("status", content: ["execution_state": "idle"], parent: request.header)
            exit(0)
        default:
            log("noether kernel: ignored a '\(request.type)' message on the \(channel) channel")
        }
    }

    /// After a failed cell, the cells already queued behind it ("Run All") are
    /// answered `aborted` without running, as ipykernel does; other requests are served.
    private func abortQueuedCells() {
        // What is queued now, taken before any answer: a cell sent after seeing an
        // answer is not "behind" the error and runs.
        var queued = [[[UInt8]]]()
        while let frames = try? shellSocket.receive(timeoutMilliseconds: 0) { queued.append(frames) }
        for frames in queued {
            guard let request = try? JupyterMessage.decode(frames, signer: signer) else {
                log("noether kernel: rejected a message on the shell channel: bad signature or framing")
                continue
            }
            publish("status", content: ["execution_state": "busy"], parent: request.header)
            if request.type == "execute_request" {
                reply(
                    request, on: shellSocket,
                    content: ["status": "aborted", "execution_count": shell.notebook.nextNumber - 1])
            } else {
                handle(request, on: shellSocket, channel: "shell")
            }
            publish("status", content: ["execution_state": "idle"], parent: request.header)
        }
    }

    private func reply(_ request: JupyterMessage, on socket: ZMQSocket, content: [String: Any]) {
        let type = request.type.hasSuffix("_request") ? String(request.type.dropLast(8)) + "_reply" : "reply"
        var message = JupyterMessage(
            identities: request.identities, header: JupyterMessage.header(type: type, session: session),
            content: content)
        message.parentHeader = request.header
        do { try socket.send(message.encode(signer: signer)) } catch { log("noether kernel: \(error)") }
    }

    /// Sends a message on iopub (thread-safe); during a silent request only `status`.
    func publish(_ type: String, content: [String: Any], parent: [String: Any]? = nil) {
        lock.lock()
        defer { lock.unlock() }
        if muted && type != "status" { return }
        var message = JupyterMessage(
            identities: [Array(type.utf8)], header: JupyterMessage.header(type: type, session: session),
            content: content)
        message.parentHeader = parent ?? parentHeader
        do { try iopubSocket.send(message.encode(signer: signer)) } catch { log("noether kernel: \(error)") }
    }

    // MARK: - Execution

    private var kernelInfo: [String: Any] {
        [
            "status": "ok", "protocol_version": JupyterMessage.protocolVersion, "implementation": "noether",
            "implementation_version": noetherVersion,
            "language_info": [
                "name": "noether", "version": noetherVersion, "mimetype": "text/x-noether",
                "file_extension": ".noe", "pygments_lexer": "text", "codemirror_mode": "text/plain",
            ],
            "banner": "noether \(noetherVersion) — 'help' lists the builtins",
            "help_links": [[String: Any]](),
        ]
    }

    /// Runs an `execute_request`. `silent` (protocol: "as quietly as possible"): no
    /// output on iopub — no input echo, streams, results, displays, progress or error
    /// broadcast (the reply still says how it went) — and, as `silent` forces
    /// `store_history` false, no new execution count. `store_history` false: the cell
    /// runs and keeps its bindings but takes no number and stays out of the history,
    /// `out[n]`/`_`, the saved record and the journal (`Shell.runCell(_:storeHistory:)`).
    private func execute(_ request: JupyterMessage) -> [String: Any] {
        let code = request.content["code"] as? String ?? ""
        let silent = request.content["silent"] as? Bool ?? false
        let storeHistory = !silent && (request.content["store_history"] as? Bool ?? true)
        lock.lock()
        parentHeader = request.header
        muted = silent
        lock.unlock()
        defer { lock.withLock { muted = false } }
        let notebook = shell.notebook
        if !silent {
            publish("execute_input", content: ["code": code, "execution_count": notebook.nextNumber])
        }
        var failure: (name: String, message: String, traceback: [String])?
        notebook.showError = { diagnostic, rendered in
            failure = (
                JupyterRequests.errorName(diagnostic.kind), diagnostic.message, rendered.components(separatedBy: "\n")
            )
        }
        // An interrupt that came while the kernel was idle is not this cell's.
        shell.interpreter.interrupt.clear()
        // During a lesson (`lesson 1`), an empty cell is Enter and `next`, `hint` … its
        // words, as at the prompt; any other cell runs as usual.
        var succeeded = true
        if !storeHistory {
            succeeded = shell.runCell(code, storeHistory: false)
        } else if !shell.lessonTakes(code.trimmingCharacters(in: .whitespacesAndNewlines)) {
            succeeded = shell.runCell(code)
        }
        notebook.showError = nil
        if shell.quitRequested {
            shell.quitRequested = false
            stream("stderr", "quit: the kernel stays up; shut it down from the notebook or console\n")
        }
        let count = notebook.nextNumber - 1
        guard !succeeded else {
            return ["status": "ok", "execution_count": count, "user_expressions": [String: Any](), "payload": []]
        }
        // Work stopped by an interrupt that returned a partial result reported it on stderr.
        let (name, message, traceback) = failure ?? ("Interrupted", "interrupted", ["interrupted"])
        if !silent { publish("error", content: ["ename": name, "evalue": message, "traceback": traceback]) }
        return [
            "status": "error", "execution_count": count, "ename": name, "evalue": message, "traceback": traceback,
        ]
    }

    private func stream(_ name: String, _ text: String) {
        publish("stream", content: ["name": name, "text": text])
    }

    /// A cell's value: a plot as `display_data` (SVG and its terminal drawing), anything
    /// else as `execute_result` (a table with an HTML rendering too).
    private func showValue(_ value: Value, number: Int) {
        if case .nothing = value { return }
        let data = JupyterRequests.mimeBundle(value)
        if data["image/svg+xml"] != nil {
            publish("display_data", content: ["data": data, "metadata": [String: Any]()])
        } else {
            publish("execute_result", content: ["execution_count": number, "data": data, "metadata": [String: Any]()])
        }
    }

    /// A plot printed before a cell's last statement: displayed as SVG, not drawn as text.
    private func showDisplay(_ value: Value) -> Bool {
        let data = JupyterRequests.mimeBundle(value)
        guard data["image/svg+xml"] != nil else { return false }
        publish("display_data", content: ["data": data, "metadata": [String: Any]()])
        return true
    }

    /// Long work as one display updated in place (`update_display_data`), never a
    /// flood of lines; erased when the work ends, like the REPL's bar.
    private func showProgress(_ tasks: [ProgressTracker.Task]) {
        let action: (type: String, id: String, text: String)? = lock.withLock {
            progress.next(tasks)
        }
        guard let action else { return }
        publish(
            action.type,
            content: [
                // Marked, so a saved notebook's record leaves the progress display out.
                "data": ["text/plain": action.text], "metadata": ["noether": ["progress": true]],
                "transient": ["display_id": action.id],
            ])
    }
}

/// When to show, update and erase the progress display (throttled).
struct ProgressDisplay {
    var shownID: String?
    var lastDraw: ContinuousClock.Instant?
    var count = 0
    let delay = 0.3
    let interval = 0.25

    mutating func next(_ tasks: [ProgressTracker.Task]) -> (type: String, id: String, text: String)? {
        guard let outer = tasks.first else {
            guard let id = shownID else { return nil }
            shownID = nil
            lastDraw = nil
            return ("update_display_data", id, "")
        }
        guard outer.elapsed >= delay || tasks.contains(where: { $0.elapsed >= delay }) else { return nil }
        let now = ContinuousClock.now
        if let last = lastDraw, now - last < .milliseconds(Int(interval * 1000)) { return nil }
        lastDraw = now
        let text = ProgressBar.render(tasks, width: 79)
        if let id = shownID { return ("update_display_data", id, text) }
        count += 1
        let id = "noether-progress-\(ProcessInfo.processInfo.processIdentifier)-\(count)"
        shownID = id
        return ("display_data", id, text)
    }
}

/// A kernel connection file (written by the client that starts the kernel).
struct ConnectionInfo: Sendable {
    var transport: String
    var ip: String
    var shellPort: Int
    var iopubPort: Int
    var stdinPort: Int
    var controlPort: Int
    var heartbeatPort: Int
    var key: String
    var signatureScheme: String

    init(json data: Data) throws(JupyterMessage.Rejection) {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw JupyterMessage.Rejection(description: "the connection file is not a JSON object")
        }
        func port(_ name: String) throws(JupyterMessage.Rejection) -> Int {
            guard let n = object[name] as? Int, n >= 0 else {
                throw JupyterMessage.Rejection(description: "the connection file has no '\(name)'")
            }
            return n
        }
        transport = object["transport"] as? String ?? "tcp"
        ip = object["ip"] as? String ?? "127.0.0.1"
        shellPort = try port("shell_port")
        iopubPort = try port("iopub_port")
        stdinPort = try port("stdin_port")
        controlPort = try port("control_port")
        heartbeatPort = try port("hb_port")
        key = object["key"] as? String ?? ""
        signatureScheme = object["signature_scheme"] as? String ?? "hmac-sha256"
        guard signatureScheme == "hmac-sha256" || key.isEmpty else {
            throw JupyterMessage.Rejection(
                description: "signature scheme '\(signatureScheme)' is not supported (only hmac-sha256)")
        }
        guard transport == "tcp" || transport == "ipc" else {
            throw JupyterMessage.Rejection(description: "transport '\(transport)' is not supported (tcp or ipc)")
        }
    }

    func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
    }
}
