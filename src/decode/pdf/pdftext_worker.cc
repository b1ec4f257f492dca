// xxgk-pdftext: poppler's text extraction for many PDFs in one process.
//
// `pdftotext` starts a process per file, and on a 2-core VM its start-up (the
// dynamic loader, poppler's global state: encodings, CMaps, fonts) is a third
// of the time it spends on a typical 4-page report. This worker keeps one
// poppler alive and answers requests on stdin/stdout, printing exactly what
// `pdftotext -layout -enc UTF-8` and `pdftotext -bbox -enc UTF-8` print (the
// `<page>`/`<word>` lines of the latter; tests/it/pdf_worker.rs compares the two
// on every fixture PDF). xxgk runs one per worker thread and kills it when a
// document overruns its time limit or the worker crashes (src/decode/pdf/worker.rs);
// a new one is started for the next file.
//
// Protocol (integers little-endian):
//   request:  u8 mode, u64 length, `length` bytes of PDF
//             mode 'L' = -layout text, 'B' = -bbox words;
//             'l' = -layout text of the previous request's document (length 0)
//   response: i32 exit code as pdftotext's (0 ok, 1 cannot open, 99 other),
//             u64 length + the text, u64 length + poppler's messages
//             (formatted as pdftotext prints them on stderr)
// End of input before a request: exit 0.

#include <poppler-config.h>

#include <Error.h>
#include <GlobalParams.h>
#include <PDFDoc.h>
#include <Stream.h>
#include <TextOutputDev.h>
#include <goo/GooString.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

// Poppler's messages for the current request, capped like xxgk caps stderr.
std::string messages;
constexpr size_t kMaxMessageBytes = 64 * 1024;

// The same lines poppler's default error handler writes to stderr.
void collect_message(ErrorCategory category, Goffset pos, const char *msg) {
    static const char *const kNames[] = {"Syntax Warning", "Syntax Error",     "Config Error",
                                         "Command Line Error", "I/O Error",    "Permission Error",
                                         "Unimplemented Feature", "Internal Error"};
    if (messages.size() >= kMaxMessageBytes) {
        return;
    }
    const char *name = (category >= 0 && category <= errInternal) ? kNames[category] : "Error";
    char head[96];
    if (pos >= 0) {
        snprintf(head, sizeof head, "%s (%lld): ", name, static_cast<long long>(pos));
    } else {
        snprintf(head, sizeof head, "%s: ", name);
    }
    messages += head;
    messages += msg;
    messages += '\n';
}

// read(2) or write(2) (`io`) on `fd` until `len` bytes have moved; false at
// end of file or on an error.
template <typename Io> bool move_all(Io io, int fd, char *p, size_t len) {
    while (len > 0) {
        ssize_t n = io(fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        p += n;
        len -= static_cast<size_t>(n);
    }
    return true;
}

bool read_exact(void *buf, size_t len) {
    return move_all(read, 0, static_cast<char *>(buf), len);
}

bool write_exact(const void *buf, size_t len) {
    auto io = [](int fd, char *p, size_t n) { return write(fd, p, n); };
    return move_all(io, 1, const_cast<char *>(static_cast<const char *>(buf)), len);
}

uint64_t le64(const unsigned char *b) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) {
        v = (v << 8) | b[i];
    }
    return v;
}

void put_le(std::string &out, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) {
        out += static_cast<char>((v >> (8 * i)) & 0xff);
    }
}

void append_text(void *stream, const char *text, int len) {
    static_cast<std::string *>(stream)->append(text, static_cast<size_t>(len));
}

// `&`, `'`, `"`, `<`, `>` as pdftotext -bbox escapes them.
void append_escaped(std::string &out, const char *s) {
    for (; *s; ++s) {
        switch (*s) {
        case '&': out += "&amp;"; break;
        case '\'': out += "&apos;"; break;
        case '"': out += "&quot;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        default: out += *s;
        }
    }
}

// The -layout text of every page, a form feed after each (pdftotext's default).
void layout_text(PDFDoc &doc, std::string &out) {
    TextOutputDev dev(append_text, &out, /*physLayout=*/true, /*fixedPitch=*/0, /*rawOrder=*/false);
    if (dev.isOk()) {
        doc.displayPages(&dev, 1, doc.getNumPages(), 72, 72, 0, /*useMediaBox=*/true, /*crop=*/false,
                         /*printing=*/false);
    }
}

// The -bbox words of every page: `<page>` with the media box's size, a
// `<word>` with its box for each word in reading order.
void word_boxes(PDFDoc &doc, std::string &out) {
    TextOutputDev dev(nullptr, /*physLayout=*/false, /*fixedPitch=*/0, /*rawOrder=*/false, /*append=*/false);
    if (!dev.isOk()) {
        return;
    }
    char line[256];
    out += "<doc>\n";
    for (int page = 1; page <= doc.getNumPages(); ++page) {
        snprintf(line, sizeof line, "  <page width=\"%f\" height=\"%f\">\n", doc.getPageMediaWidth(page),
                 doc.getPageMediaHeight(page));
        out += line;
        doc.displayPage(&dev, page, 72, 72, 0, /*useMediaBox=*/true, /*crop=*/false, /*printing=*/false);
        std::unique_ptr<TextWordList> words = dev.makeWordList();
        const int count = words ? words->getLength() : 0;
        for (int i = 0; i < count; ++i) {
            TextWord *word = words->get(i);
            double x0, y0, x1, y1;
            word->getBBox(&x0, &y0, &x1, &y1);
            snprintf(line, sizeof line, "    <word xMin=\"%f\" yMin=\"%f\" xMax=\"%f\" yMax=\"%f\">", x0, y0, x1, y1);
            out += line;
            std::unique_ptr<GooString> text(word->getText());
            append_escaped(out, text->c_str());
            out += "</word>\n";
        }
        out += "  </page>\n";
    }
    out += "</doc>\n";
}

} // namespace

int main() {
    globalParams = std::make_unique<GlobalParams>();
    globalParams->setTextEncoding("UTF-8");
    setErrorCallback(collect_message);

    // The previous request's document, kept for a following 'l' request. It
    // reads from `bytes`, which therefore lives as long as it does.
    std::vector<char> bytes;
    std::unique_ptr<PDFDoc> doc;
    for (;;) {
        unsigned char head[9];
        if (!read_exact(head, sizeof head)) {
            return 0;
        }
        const char mode = static_cast<char>(head[0]);
        const uint64_t length = le64(head + 1);
        messages.clear();
        std::string text;
        int32_t code = 0;
        if (mode == 'l') {
            if (doc) {
                layout_text(*doc, text);
            } else {
                code = 99;
                messages += "Command Line Error: no previous document\n";
            }
        } else if (mode == 'L' || mode == 'B') {
            doc.reset();
            bytes.resize(length);
            if (length > 0 && !read_exact(bytes.data(), length)) {
                return 1;
            }
            // MemStream does not own the bytes: `bytes` outlives `doc`.
            doc = std::make_unique<PDFDoc>(new MemStream(bytes.data(), 0, static_cast<Goffset>(length), Object(objNull)));
            if (!doc->isOk()) {
                code = 1;
                doc.reset();
            } else if (doc->getNumPages() < 1) {
                code = 99;
                messages += "Command Line Error: Wrong page range given: the first page (1) can not be after the last page (0).\n";
            } else if (mode == 'L') {
                layout_text(*doc, text);
            } else {
                word_boxes(*doc, text);
            }
        } else {
            return 2; // not a request: the parent is not xxgk
        }
        std::string reply;
        reply.reserve(20 + text.size() + messages.size());
        put_le(reply, static_cast<uint32_t>(code), 4);
        put_le(reply, text.size(), 8);
        reply += text;
        put_le(reply, messages.size(), 8);
        reply += messages;
        if (!write_exact(reply.data(), reply.size())) {
            return 1;
        }
    }
}
