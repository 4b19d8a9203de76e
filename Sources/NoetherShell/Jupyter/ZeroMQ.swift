#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZeroMQ

/// The little of ZeroMQ the kernel needs: a context, sockets bound to TCP or IPC
/// endpoints, multipart messages, polling, and the heartbeat's echo device. Every
/// blocking call retries when a signal (the SIGINT of an interrupt) cuts it short.
struct ZMQError: Error, CustomStringConvertible {
    let description: String

    static func last(_ what: String) -> ZMQError {
        ZMQError(description: "\(what): \(String(cString: zmq_strerror(zmq_errno())))")
    }
}

/// A ZeroMQ context (thread-safe; sockets are not, each belongs to one thread or a lock).
final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    init() throws(ZMQError) {
        guard let h = zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new") }
        handle = h
    }

    func socket(_ type: Int32) throws(ZMQError) -> ZMQSocket {
        guard let s = zmq_socket(handle, type) else { throw ZMQError.last("zmq_socket") }
        return ZMQSocket(handle: s)
    }
}

final class ZMQSocket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    init(handle: UnsafeMutableRawPointer) {
        self.handle = handle
        var linger: Int32 = 0
        zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
    }

    func bind(_ endpoint: String) throws(ZMQError) {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError.last("cannot bind \(endpoint)") }
    }

    /// Sends the frames as one multipart message.
    func send(_ frames: [[UInt8]]) throws(ZMQError) {
        for (i, frame) in frames.enumerated() {
            let flags = i < frames.count - 1 ? ZMQ_SNDMORE : 0
            while true {
                let n = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if n >= 0 { break }
                if zmq_errno() == EINTR { continue }
                throw ZMQError.last("zmq_send")
            }
        }
    }

    /// Receives one multipart message (blocking); nil when `timeoutMilliseconds` passed first.
    func receive(timeoutMilliseconds: Int = -1) throws(ZMQError) -> [[UInt8]]? {
        if timeoutMilliseconds >= 0 {
            var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
            let n = zmq_poll(&item, 1, timeoutMilliseconds)
            if n < 0 && zmq_errno() == EINTR { return nil }
            if n < 0 { throw ZMQError.last("zmq_poll") }
            if n == 0 { return nil }
        }
        var frames = [[UInt8]]()
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            while zmq_msg_recv(&message, handle, 0) < 0 {
                if zmq_errno() == EINTR { continue }
                throw ZMQError.last("zmq_msg_recv")
            }
            let size = zmq_msg_size(&message)
            if size > 0, let data = zmq_msg_data(&message) {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if zmq_msg_more(&message) == 0 { break }
        }
        return frames
    }

    /// Echoes every message back to its sender, forever (the heartbeat: a ROUTER socket
    /// as both ends of a proxy).
    func echoForever() {
        while true {
            zmq_proxy(handle, handle, nil)
            if zmq_errno() != EINTR { return }
        }
    }
}
