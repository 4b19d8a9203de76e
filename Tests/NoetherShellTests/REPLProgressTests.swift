import Foundation
import Synchronization
import Testing
@testable import NoetherShell

/// The progress bar's text and drawing, the tracker behind it, and colour.
@Suite struct REPLProgressTests {
    typealias Task = ProgressTracker.Task

    @Test func oneTaskShowsBarCountRateAndTimeLeft() {
        let t = Task(label: "train", done: 2500, total: 10000, elapsed: 5, rate: 500)
        #expect(
            ProgressBar.render([t], width: 79)
                == "train ███████░░░░░░░░░░░░░░░░░░░░░░░  2500/10000  500/s  0:15 left")
    }

    @Test func nestedTasksShowTheOuterBarAndTheInnerCount() {
        let sweep = Task(label: "sweep", done: 3, total: 10, elapsed: 30, rate: 0.1)
        let train = Task(label: "train", done: 1200, total: 2000, elapsed: 2, rate: 600)
        #expect(
            ProgressBar.render([sweep, train], width: 79)
                == "sweep █████████░░░░░░░░░░░░░░░░░░░░░  3/10 · train 1200/2000  600/s  1:10 left")
    }

    @Test func theBarShrinksAndTheLineIsCutToTheWidth() {
        let t = Task(label: "train", done: 1, total: 2, elapsed: 1, rate: nil)
        #expect(ProgressBar.render([t], width: 20) == "train ████░░░░░  1/2")
        #expect(ProgressBar.render([t], width: 12) == "train 1/2")
        #expect(
            ProgressBar.render([Task(label: "a-very-long-label", done: 1, total: 2, elapsed: 0, rate: nil)], width: 10)
                .count == 10)
    }

    @Test(arguments: [(0.4, "0:01"), (59.0, "0:59"), (61.0, "1:01"), (3725.0, "1:02:05"), (400_000.0, ">99h")])
    func durations(seconds: Double, text: String) {
        #expect(ProgressBar.formatDuration(seconds) == text)
    }

    @Test(arguments: [(0.25, "0.3"), (12.4, "12"), (412.0, "412"), (3240.0, "3.2k"), (51_000.0, "51k")])
    func rates(rate: Double, text: String) {
        #expect(ProgressBar.formatRate(rate) == text)
    }

    @Test func theTrackerFollowsNestedRestartingAndFinishedTasks() {
        let tracker = ProgressTracker()
        tracker.update(done: 0, total: 3, label: "sweep")
        tracker.update(done: 50, total: 100, label: "train")
        #expect(tracker.tasks.map(\.label) == ["sweep", "train"])
        #expect(tracker.interruptedDescription == "train stopped at step 50 of 100")
        tracker.update(done: 100, total: 100, label: "train")
        #expect(tracker.tasks.map(\.label) == ["sweep"])
        tracker.update(done: 1, total: 3, label: "sweep")
        tracker.update(done: 50, total: 100, label: "train")
        tracker.update(done: 10, total: 100, label: "train")  // the next point's training
        #expect(tracker.tasks.map(\.done) == [1, 10])
        #expect(tracker.interruptedDescription == "train stopped at step 10 of 100")
        tracker.update(done: 3, total: 3, label: "sweep")
        #expect(tracker.tasks.isEmpty)
        #expect(tracker.interruptedDescription == nil)
    }

    @Test func theTrackerMeasuresARate() async throws {
        let tracker = ProgressTracker()
        let clock = ContinuousClock()
        let start = clock.now
        tracker.update(done: 0, total: 1000, label: "train")
        try await _Concurrency.Task.sleep(for: .milliseconds(50))
        tracker.update(done: 100, total: 1000, label: "train")
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let t = try #require(tracker.tasks.first)
        let rate = try #require(t.rate)
        // 100 steps over at least 50 ms and at most the time measured around both reports.
        #expect(rate <= 100 / 0.05 * 1.001)
        #expect(rate >= 100 / seconds * 0.999)
        #expect(abs(t.secondsLeft! - 900 / rate) < 1e-9)
    }

    @Test func theBarDrawsAfterItsDelayAndErasesItself() {
        let written = Mutex<[String]>([])
        let bar = ProgressBar(delay: 0, interval: 0, width: { 40 }, write: { s in written.withLock { $0.append(s) } })
        bar.show([Task(label: "train", done: 1, total: 2, elapsed: 0, rate: nil)])
        bar.clear()
        bar.clear()
        let lines = written.withLock { $0 }
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("\rtrain █") && lines[0].hasSuffix("\r"))
        #expect(lines[1] == "\r" + String(repeating: " ", count: lines[0].count - 2) + "\r")
        let late = ProgressBar(delay: 10, interval: 0, width: { 40 }, write: { s in written.withLock { $0.append(s) } })
        late.show([Task(label: "train", done: 1, total: 2, elapsed: 1, rate: nil)])
        #expect(written.withLock { $0.count } == 2)
    }

    @Test func cellsReportTrainingProgressAndForgetItAfterwards() {
        let c = CapturedShell()
        let reports = Mutex<Int>(0)
        c.shell.notebook.progress.observe { tasks in
            if !tasks.isEmpty { reports.withLock { $0 += 1 } }
        }
        c.shell.runCell("r = train(mlp([3, 4, 2]), gaussian_mixture(n=20, d=3, classes=2), gd(lr=0.1), steps=200)")
        #expect(reports.withLock { $0 } == 3)  // steps 50, 100, 150; step 200 ends the task
        #expect(c.shell.notebook.progress.tasks.isEmpty)
    }

    // MARK: - Colour

    @Test(
        arguments: [
            (true, ["TERM": "xterm-256color"], true),
            (false, ["TERM": "xterm-256color"], false),
            (true, ["TERM": "xterm", "NO_COLOR": "1"], false),
            (true, ["TERM": "xterm", "NO_COLOR": ""], true),
            (true, ["TERM": "dumb"], false),
            (true, [:], false),
        ] as [(Bool, [String: String], Bool)])
    func colourOnlyOnATerminalThatWantsIt(isTerminal: Bool, environment: [String: String], colour: Bool) {
        #expect(TerminalStyle.detect(isTerminal: isTerminal, environment: environment).colour == colour)
    }

    @Test func diagnosticsAreColouredOnlyWithColour() {
        let rendered = "In[3]:1:5: error: unknown name 'nope'\n  |\n1 | x = nope ^ 2\n  |     ^~~~ did you mean 'note'?"
        #expect(TerminalStyle.plain.diagnostic(rendered) == rendered)
        let coloured = TerminalStyle(colour: true).diagnostic(rendered)
        #expect(
            coloured.hasPrefix(
                "\u{1B}[1mIn[3]:1:5:\u{1B}[0m \u{1B}[1;31merror:\u{1B}[0m \u{1B}[1munknown name 'nope'\u{1B}[0m\n"))
        #expect(coloured.contains("1 | x = nope ^ 2\n"))
        #expect(coloured.hasSuffix("  | \u{1B}[32m    ^~~~ did you mean 'note'?\u{1B}[0m"))
        #expect(TerminalStyle(colour: true).prompt("[1]> ", "32") == "\u{01}\u{1B}[32m\u{02}[1]> \u{01}\u{1B}[0m\u{02}")
    }
}
