import Foundation
import NoetherLang
import Testing

@testable import NoetherShell

/// The kernel's pieces that need no client: signatures, message framing, the
/// kernelspec, the logo and the request handlers. scripts/test-jupyter drives the
/// whole kernel with the real Jupyter clients.
@Suite struct JupyterKernelTests {
    @Test func hmacMatchesRFC4231() {
        // RFC 4231, test case 2.
        let signer = MessageSigner(key: Array("Jefe".utf8))
        let digest = signer.digest([Array("what do ya ".utf8), Array("want for nothing?".utf8)])
        #expect(MessageSigner.hex(digest) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func signedMessagesRoundTripAndForgeriesAreRejected() throws {
        let signer = MessageSigner(key: Array("secret".utf8))
        let message = JupyterMessage(
            identities: [Array("client".utf8)], header: JupyterMessage.header(type: "execute_request", session: "s"),
            content: ["code": "1 + 1"])
        let frames = message.encode(signer: signer)
        let decoded = try JupyterMessage.decode(frames, signer: signer)
        #expect(decoded.type == "execute_request")
        #expect(decoded.content["code"] as? String == "1 + 1")
        #expect(decoded.identities == [Array("client".utf8)])

        // Another key, a changed content, a missing signature, no delimiter: all refused.
        #expect(throws: JupyterMessage.Rejection.self) {
            try JupyterMessage.decode(frames, signer: MessageSigner(key: Array("other".utf8)))
        }
        var tampered = frames
        tampered[tampered.count - 1] = Array("{\"code\": \"quit\"}".utf8)
        #expect(throws: JupyterMessage.Rejection.self) { try JupyterMessage.decode(tampered, signer: signer) }
        var unsigned = frames
        unsigned[2] = []
        #expect(throws: JupyterMessage.Rejection.self) { try JupyterMessage.decode(unsigned, signer: signer) }
        #expect(throws: JupyterMessage.Rejection.self) {
            try JupyterMessage.decode(Array(frames.dropFirst(2)), signer: signer)
        }
        // A signed message whose content is not a JSON object is refused too.
        var parts = Array(frames[3...6])
        parts[3] = Array("[1]".utf8)
        let bad = [Array("client".utf8), JupyterMessage.delimiter, signer.sign(parts)] + parts
        #expect(throws: JupyterMessage.Rejection.self) { try JupyterMessage.decode(bad, signer: signer) }
    }

    @Test func kernelspecIsWrittenWhereAsked() throws {
        let folder = try TemporaryFolder()
        let dir = try KernelSpec.install(.prefix(folder.path), executable: "/opt/bin/noether", environment: [:])
        #expect(dir == folder.path + "/share/jupyter/kernels/noether")
        let data = try #require(FileManager.default.contents(atPath: dir + "/kernel.json"))
        let spec = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(spec["argv"] as? [String] == ["/opt/bin/noether", "kernel", "-f", "{connection_file}"])
        #expect(spec["display_name"] as? String == "Noether")
        #expect(spec["language"] as? String == "noether")
        #expect(spec["interrupt_mode"] as? String == "signal")
        let png = try #require(FileManager.default.contents(atPath: dir + "/logo-64x64.png"))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(FileManager.default.fileExists(atPath: dir + "/logo-svg.svg"))

        #expect(
            try KernelSpec.dataDirectory(.user, environment: ["JUPYTER_DATA_DIR": "/x"]) == "/x")
        #expect(
            try KernelSpec.dataDirectory(.sysPrefix, environment: ["VIRTUAL_ENV": "/venv"]) == "/venv/share/jupyter")
        #expect(throws: KernelSpec.Failure.self) { try KernelSpec.dataDirectory(.sysPrefix, environment: [:]) }
    }

    @Test func pngChecksumsAreRight() {
        // CRC-32 of "IEND" as every PNG ends with it.
        #expect(KernelLogo.crc32(Array("IEND".utf8)) == 0xAE42_6082)
        let png = KernelLogo.png(size: 32)
        #expect(Array(png.suffix(4)) == [0xAE, 0x42, 0x60, 0x82])
    }

    @Test func connectionFilesAreRead() throws {
        let json = """
            {"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5,
             "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256"}
            """
        let info = try ConnectionInfo(json: Data(json.utf8))
        #expect(info.endpoint(info.controlPort) == "tcp://127.0.0.1:4")
        #expect(throws: JupyterMessage.Rejection.self) {
            try ConnectionInfo(json: Data(json.replacingOccurrences(of: "hmac-sha256", with: "hmac-md5").utf8))
        }
        #expect(throws: JupyterMessage.Rejection.self) { try ConnectionInfo(json: Data("{}".utf8)) }
    }

    @Test func requestsUseTheREPLsMachinery() {
        let shell = Shell(console: Captured().console)
        shell.runCell("learning_rate = 0.1")
        let completion = JupyterRequests.complete(["code": "x = learn", "cursor_pos": 9], shell: shell)
        #expect(completion["matches"] as? [String] == ["learning_rate"])
        #expect(completion["cursor_start"] as? Int == 4)
        // Code points, not bytes: "η = " is 4 code points and 5 bytes.
        let unicode = JupyterRequests.complete(["code": "η = learn", "cursor_pos": 9], shell: shell)
        #expect(unicode["cursor_start"] as? Int == 4)

        let inspected = JupyterRequests.inspect(["code": "train(", "cursor_pos": 3], shell: shell)
        #expect(inspected["found"] as? Bool == true)
        #expect(((inspected["data"] as? [String: Any])?["text/plain"] as? String)?.hasPrefix("train(") == true)
        #expect(JupyterRequests.inspect(["code": "zzz", "cursor_pos": 1], shell: shell)["found"] as? Bool == false)

        #expect(JupyterRequests.isComplete(["code": "xs = [1,"])["status"] as? String == "incomplete")
        #expect(JupyterRequests.isComplete(["code": "xs = [1, 2]"])["status"] as? String == "complete")
        #expect(JupyterRequests.isComplete(["code": "xs = )"])["status"] as? String == "invalid")

        shell.runCell("learning_rate * 2")
        let history = JupyterRequests.history(["hist_access_type": "tail", "n": 1], shell: shell)
        let entries = history["history"] as? [[Any]]
        #expect(entries?.count == 1)
        #expect(entries?.first?[2] as? String == "learning_rate * 2")
    }

    @Test func tablesGetHTMLAndPlotsSVG() {
        let table = TableObject(columns: ["lr", "name"], rows: [[.number(0.5), .string("<a>")]])
        let bundle = JupyterRequests.mimeBundle(.object(table))
        let html = bundle["text/html"] as? String ?? ""
        #expect(html.contains("<th>lr</th>"))
        #expect(html.contains("&lt;a&gt;"))
        #expect(bundle["text/plain"] as? String == Value.object(table).rendered)
        #expect(JupyterRequests.mimeBundle(.number(3))["text/html"] == nil)
    }
}
