#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// `noether kernel …`, parsed before the main command line (its flags are its own):
///
/// ```
/// noether kernel install [--user | --prefix DIR | --sys-prefix]
/// noether kernel -f CONNECTION_FILE
/// ```
public enum KernelCommandLine {
    public static let usage = """
        usage: noether kernel install [--user | --prefix DIR | --sys-prefix]
               noether kernel -f CONNECTION_FILE

        install      write the Jupyter kernelspec 'noether' (kernel.json and logos);
                     --user (the default): the user's Jupyter data directory
                     ($JUPYTER_DATA_DIR, else ~/.local/share/jupyter);
                     --prefix DIR: DIR/share/jupyter; --sys-prefix: the active
                     Python environment's ($VIRTUAL_ENV or $CONDA_PREFIX)
        -f FILE      run as a kernel on the ports of a connection file (what
                     Jupyter starts from kernel.json)
        """

    /// Runs the subcommand; returns the exit status.
    public static func run(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Int32
    {
        func fail(_ message: String, _ status: ExitStatus = .usage) -> Int32 {
            Console.standard.err("noether kernel: error: \(message)")
            return status.rawValue
        }
        switch arguments.first {
        case "install":
            var target: KernelSpec.Target = .user
            var rest = arguments.dropFirst()
            var chosen = 0
            while let flag = rest.first {
                rest = rest.dropFirst()
                switch flag {
                case "--user": target = .user
                case "--sys-prefix": target = .sysPrefix
                case "--prefix":
                    guard let dir = rest.first else { return fail("--prefix needs a directory") }
                    rest = rest.dropFirst()
                    target = .prefix(dir)
                case "-h", "--help":
                    Console.standard.out(usage)
                    return 0
                default: return fail("unknown option '\(flag)'\n\(usage)")
                }
                chosen += 1
            }
            if chosen > 1 { return fail("give one of --user, --prefix DIR, --sys-prefix") }
            do {
                let dir = try KernelSpec.install(target, executable: executablePath(), environment: environment)
                Console.standard.out("installed the Noether kernelspec in \(dir)")
                return 0
            } catch {
                return fail("\(error)", .failure)
            }
        case "-f", "--connection-file":
            guard arguments.count == 2 else { return fail("usage: noether kernel -f CONNECTION_FILE") }
            guard let data = FileManager.default.contents(atPath: arguments[1]) else {
                return fail("cannot read the connection file '\(arguments[1])'", .noInput)
            }
            do {
                let kernel = try JupyterKernel(
                    connection: try ConnectionInfo(json: data), log: { Console.standard.err($0) })
                kernel.serve()
            } catch {
                return fail("\(error)", .failure)
            }
        case "-h", "--help":
            Console.standard.out(usage)
            return 0
        default:
            return fail("expected 'install' or '-f CONNECTION_FILE'\n\(usage)")
        }
    }

    /// The running binary's absolute path (what kernel.json starts).
    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 { return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        let arg0 = CommandLine.arguments[0]
        if arg0.hasPrefix("/") { return arg0 }
        return FileManager.default.currentDirectoryPath + "/" + arg0
    }
}

/// The kernelspec: `kernels/noether/kernel.json` and its logos under a Jupyter data
/// directory.
enum KernelSpec {
    enum Target: Equatable {
        case user
        case prefix(String)
        case sysPrefix
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func dataDirectory(_ target: Target, environment: [String: String]) throws(Failure) -> String {
        switch target {
        case .user:
            if let dir = environment["JUPYTER_DATA_DIR"], !dir.isEmpty { return dir }
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            return home + "/.local/share/jupyter"
        case .prefix(let dir):
            return dir + "/share/jupyter"
        case .sysPrefix:
            for name in ["VIRTUAL_ENV", "CONDA_PREFIX"] {
                if let dir = environment[name], !dir.isEmpty { return dir + "/share/jupyter" }
            }
            throw Failure(
                description: "--sys-prefix needs an active Python environment ($VIRTUAL_ENV or $CONDA_PREFIX)")
        }
    }

    static func kernelJSON(executable: String) -> String {
        let object: [String: Any] = [
            "argv": [executable, "kernel", "-f", "{connection_file}"],
            "display_name": "Noether",
            "language": "noether",
            "interrupt_mode": "signal",
            "metadata": ["noether_version": noetherVersion],
        ]
        let data =
            (try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Writes the kernelspec; returns its directory.
    static func install(_ target: Target, executable: String, environment: [String: String]) throws -> String {
        let dir = try dataDirectory(target, environment: environment) + "/kernels/noether"
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try kernelJSON(executable: executable).write(
                toFile: dir + "/kernel.json", atomically: true, encoding: .utf8)
            try KernelLogo.svg.write(toFile: dir + "/logo-svg.svg", atomically: true, encoding: .utf8)
            for size in [32, 64] {
                try Data(KernelLogo.png(size: size)).write(to: URL(fileURLWithPath: dir + "/logo-\(size)x\(size).png"))
            }
        } catch {
            throw Failure(description: "cannot write the kernelspec in \(dir): \(error.localizedDescription)")
        }
        return dir
    }
}
