import CCrypto
import Foundation

/// A message of the Jupyter messaging protocol (v5.3) as it travels over ZeroMQ:
///
/// ```
/// [identities…, "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers…]
/// ```
///
/// The four JSON frames are signed with HMAC-SHA256 under the connection file's key
/// (hex digest); an empty key means no signing, as the protocol allows.
struct JupyterMessage {
    var identities: [[UInt8]] = []
    var header: [String: Any]
    var parentHeader: [String: Any] = [:]
    var metadata: [String: Any] = [:]
    var content: [String: Any]
    var buffers: [[UInt8]] = []

    var type: String { header["msg_type"] as? String ?? "" }

    static let delimiter = Array("<IDS|MSG>".utf8)
    static let protocolVersion = "5.3"

    /// Why a message was refused.
    struct Rejection: Error, CustomStringConvertible {
        let description: String
    }

    /// Parses and verifies received frames. A message without the delimiter, with a
    /// wrong signature or with JSON that is not an object is refused (never run).
    static func decode(_ frames: [[UInt8]], signer: MessageSigner) throws(Rejection) -> JupyterMessage {
        guard let d = frames.firstIndex(of: delimiter) else {
            throw Rejection(description: "no <IDS|MSG> delimiter in a message of \(frames.count) frames")
        }
        guard frames.count >= d + 6 else {
            throw Rejection(description: "a message needs signature, header, parent, metadata and content frames")
        }
        let signature = frames[d + 1]
        let parts = Array(frames[(d + 2)...(d + 5)])
        guard signer.verify(signature, parts) else {
            throw Rejection(description: "bad signature")
        }
        func object(_ bytes: [UInt8], _ what: String) throws(Rejection) -> [String: Any] {
            guard let value = try? JSONSerialization.jsonObject(with: Data(bytes)), let object = value as? [String: Any]
            else { throw Rejection(description: "the \(what) is not a JSON object") }
            return object
        }
        let header = try object(parts[0], "header")
        guard header["msg_type"] is String, header["msg_id"] is String else {
            throw Rejection(description: "the header has no msg_type or msg_id")
        }
        return JupyterMessage(
            identities: Array(frames[..<d]), header: header, parentHeader: try object(parts[1], "parent header"),
            metadata: try object(parts[2], "metadata"), content: try object(parts[3], "content"),
            buffers: Array(frames[(d + 6)...]))
    }

    /// The frames to send, signed.
    func encode(signer: MessageSigner) -> [[UInt8]] {
        let parts = [header, parentHeader, metadata, content].map(Self.json)
        return identities + [Self.delimiter, signer.sign(parts)] + parts + buffers
    }

    static func json(_ object: [String: Any]) -> [UInt8] {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            return Array("{}".utf8)
        }
        return Array(data)
    }

    /// A fresh header for a message the kernel sends.
    static func header(type: String, session: String) -> [String: Any] {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return [
            "msg_id": UUID().uuidString.lowercased(), "session": session, "username": "noether",
            "date": formatter.string(from: Date()), "msg_type": type, "version": protocolVersion,
        ]
    }
}

/// HMAC-SHA256 signatures over a message's four JSON frames (libcrypto's HMAC, the
/// comparison in constant time).
struct MessageSigner: Sendable {
    let key: [UInt8]

    func sign(_ parts: [[UInt8]]) -> [UInt8] {
        guard !key.isEmpty else { return [] }
        return Array(Self.hex(digest(parts)).utf8)
    }

    func verify(_ signature: [UInt8], _ parts: [[UInt8]]) -> Bool {
        guard !key.isEmpty else { return true }
        let expected = sign(parts)
        guard signature.count == expected.count else { return false }
        return signature.withUnsafeBytes { a in
            expected.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 }
        }
    }

    func digest(_ parts: [[UInt8]]) -> [UInt8] {
        let data = parts.flatMap { $0 }
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBytes { k in
            data.withUnsafeBytes { d in
                _ = HMAC(
                    EVP_sha256(), k.baseAddress, Int32(k.count), d.bindMemory(to: UInt8.self).baseAddress,
                    d.count, &out, &length)
            }
        }
        return Array(out.prefix(Int(length)))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var s = ""
        for b in bytes {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 15)])
        }
        return s
    }
}
