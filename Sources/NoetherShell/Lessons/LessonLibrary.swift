import Foundation
import NoetherEngine
import NoetherLang

/// Where the lessons are and what the student has done in them.
///
/// Lessons are the `.noe` files of the first folder that has any, in this order:
/// `$NOETHER_LESSONS`, `examples/lessons` under the working directory,
/// `share/noether/lessons` beside the executable's `bin` folder (an installed tree,
/// `scripts/install`), then `examples/lessons` in a folder above the executable (a
/// build inside the repository). They are numbered 1, 2, … in file-name order (`01-symmetry.noe`
/// first). Progress is kept in `<state>/lessons.json` (state: `$NOETHER_STATE_DIR`,
/// `$XDG_STATE_HOME/noether` or `~/.local/state/noether`).
public final class LessonLibrary {
    /// Folders searched for lessons, in order.
    public var folders: [String]
    /// The progress file.
    public var progressPath: String
    /// The lesson being taken at the prompt.
    var session: LessonSession?

    public init(folders: [String], progressPath: String) {
        self.folders = folders
        self.progressPath = progressPath
    }

    /// The library for this process: folders from the environment and the
    /// executable's location, progress in the state directory.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> LessonLibrary {
        var folders = [String]()
        if let dir = environment["NOETHER_LESSONS"], !dir.isEmpty { folders.append(dir) }
        folders.append(FileManager.default.currentDirectoryPath + "/examples/lessons")
        let executable = LessonLibrary.executablePath()
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        // Installed (scripts/install): PREFIX/bin/noether beside PREFIX/share/noether/lessons.
        folders.append(dir.deletingLastPathComponent().path + "/share/noether/lessons")
        for _ in 0..<6 {
            folders.append(dir.path + "/examples/lessons")
            dir = dir.deletingLastPathComponent()
        }
        return LessonLibrary(
            folders: folders, progressPath: StateDirectory.path(environment: environment) + "/lessons.json")
    }

    /// The running executable's path: /proc/self/exe where there is one (a binary found
    /// on $PATH has a bare name in argv[0]), else argv[0].
    static func executablePath() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return CommandLine.arguments.first ?? ""
    }

    /// Whether a lesson is being taken at the prompt.
    public var isActive: Bool { session != nil }

    /// The folder lessons come from (the first with any `.noe` file), or nil.
    public var folder: String? {
        folders.first { !Self.lessonFiles(in: $0).isEmpty }
    }

    /// The lesson files, in order (their position + 1 is the lesson's number).
    public var files: [String] {
        guard let folder else { return [] }
        return Self.lessonFiles(in: folder).map { folder + "/" + $0 }
    }

    static func lessonFiles(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".noe") && !$0.hasPrefix(".") }.sorted()
    }

    /// Reads and parses a lesson file.
    public static func load(_ path: String) -> Result<Lesson, LessonLoadError> {
        let text: String
        do throws(EngineError) {
            text = try TextFile.read(path)
        } catch {
            return .failure(
                LessonLoadError(
                    message: error.diagnosticKind == .missingFile ? "no such lesson file '\(path)'" : error.message))
        }
        do throws(Lesson.FormatError) {
            return .success(try Lesson.parse(text, path: path))
        } catch {
            return .failure(LessonLoadError(message: "\(path):\(error.line): \(error.message)"))
        }
    }

    // MARK: - Progress

    /// Everything saved about the student's lessons.
    public struct Progress: Codable, Sendable, Equatable {
        public var version = 1
        public var lessons: [String: Entry] = [:]

        public struct Entry: Codable, Sendable, Equatable {
            /// The step to show next (0-based).
            public var step = 0
            public var steps = 0
            public var done = false
            /// Steps whose cells ran (0-based).
            public var ran: [Int] = []
            /// Predictions by step (0-based, as text keys).
            public var predictions: [String: PredictionRecord] = [:]
        }

        public struct PredictionRecord: Codable, Sendable, Equatable {
            public var guess: Double?
            public var value: Double
            public var correct: Bool
        }
    }

    /// The saved progress (empty when there is none or the file is unreadable).
    public func loadProgress() -> Progress {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = FileManager.default.contents(atPath: progressPath),
            let p = try? decoder.decode(Progress.self, from: data)
        else { return Progress() }
        return p
    }

    /// Saves progress; returns a problem to report, or nil.
    @discardableResult
    public func saveProgress(_ progress: Progress) -> String? {
        let url = URL(fileURLWithPath: progressPath)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            // A prediction of 1/0 is inf: JSON has no such number, so it is written as text.
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(progress).write(to: url, options: .atomic)
            return nil
        } catch {
            return "cannot save lesson progress to \(progressPath): \(error.localizedDescription)"
        }
    }

    /// Updates one lesson's entry and saves.
    @discardableResult
    func updateProgress(_ id: String, _ change: (inout Progress.Entry) -> Void) -> String? {
        var p = loadProgress()
        var entry = p.lessons[id] ?? Progress.Entry()
        change(&entry)
        p.lessons[id] = entry
        return saveProgress(p)
    }

    /// The `lesson` listing: number, title, steps and progress of each lesson.
    public func listing() -> String {
        let files = self.files
        guard !files.isEmpty else {
            return
                "no lessons found (looked in \(folders.prefix(2).joined(separator: ", ")); set NOETHER_LESSONS to a folder of .noe lessons)"
        }
        let progress = loadProgress()
        var rows = [(String, String, String, String)]()
        for (k, file) in files.enumerated() {
            switch Self.load(file) {
            case .success(let lesson):
                let entry = progress.lessons[lesson.id]
                let state: String
                if entry?.done == true {
                    state = "done"
                } else if let e = entry, e.step > 0 {
                    state = "at step \(e.step + 1)"
                } else {
                    state = "not started"
                }
                rows.append(("\(k + 1)", lesson.title, "\(lesson.steps.count) steps", state))
            case .failure(let error):
                rows.append(("\(k + 1)", Lesson.id(of: file), "", "cannot be read: \(error.message)"))
            }
        }
        let w0 = rows.map(\.0.count).max()!
        let w1 = rows.map(\.1.count).max()!
        let w2 = rows.map(\.2.count).max()!
        var out = "Lessons (lesson N starts or resumes one; lesson N restart starts it over):\n"
        out += rows.map { r in
            "  " + String(repeating: " ", count: w0 - r.0.count) + r.0 + "  " + r.1.padded(w1) + "  " + r.2.padded(w2)
                + "  " + r.3
        }.joined(separator: "\n")
        return out
    }
}

public struct LessonLoadError: Error, Sendable {
    public var message: String
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
