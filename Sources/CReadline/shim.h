#ifndef NOETHER_CREADLINE_SHIM_H
#define NOETHER_CREADLINE_SHIM_H

// GNU readline and its history library (Debian: libreadline-dev; no pkg-config file).
// readline.h needs FILE from stdio.h first.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <readline/readline.h>
#include <readline/history.h>

// Swift 6 code cannot assign readline's C globals, so every one Noether sets has a
// setter here. Everything runs on the thread that reads the terminal.

/// One-time set-up, before the first line is read: the application name for
/// `$if noether` in ~/.inputrc; no signal handlers of readline's own (Noether
/// handles SIGINT and SIGWINCH itself); LINES/COLUMNS left alone; `"` opens a
/// quoted word (a path inside a string is completed whole); the characters that
/// end a word for completion; the completion callback. Bracketed paste is switched
/// on here, before ~/.inputrc is read, so a user's `set enable-bracketed-paste off` wins.
static inline void noether_rl_configure(rl_completion_func_t *completer) {
    rl_readline_name = "noether";
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_change_environment = 0;
    rl_completer_quote_characters = "\"";
    rl_completer_word_break_characters = " \t\n\"\\'`@$><=;|&{}()[],+-*/^:.!#%~?";
    rl_attempted_completion_function = completer;
    rl_variable_bind("enable-bracketed-paste", "on");
}

/// Per-completion settings, reset by readline before each completion: never fall
/// back to readline's own filename completion; append no space after a match;
/// `filename` makes readline treat matches as paths (show the last component,
/// append '/' to a directory and the closing quote to a file).
static inline void noether_rl_completion_flags(int filename) {
    rl_attempted_completion_over = 1;
    rl_completion_suppress_append = 1;
    rl_filename_completion_desired = filename;
    rl_filename_quoting_desired = 0;
    rl_completion_suppress_quote = filename ? 0 : 1;
}

/// A NULL-terminated, malloc'ed array for `count` matches plus the terminator, as
/// readline's completion function returns it (readline frees it).
static inline char **noether_rl_matches_alloc(int count) {
    return (char **)calloc((size_t)count + 1, sizeof(char *));
}

/// Stores a malloc'ed copy of `text` at `index` of a matches array.
static inline void noether_rl_matches_set(char **matches, int index, const char *text) {
    matches[index] = strdup(text);
}

/// Moves the cursor to the end of the line being edited (before echoing ^C).
static inline void noether_rl_point_to_end(void) { rl_point = rl_end; }

/// The line being edited, up to the cursor, as a malloc'ed copy (caller frees).
static inline char *noether_rl_line_before_point(void) {
    int n = rl_point < 0 ? 0 : rl_point;
    char *copy = (char *)malloc((size_t)n + 1);
    if (copy == NULL) return NULL;
    memcpy(copy, rl_line_buffer, (size_t)n);
    copy[n] = '\0';
    return copy;
}

#endif
