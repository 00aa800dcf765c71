// SPDX-License-Identifier: Apache-2.0
// A minimal XLSX (Office Open XML spreadsheet, ECMA-376) with one sheet:
// the five parts a spreadsheet program needs, in a ZIP archive written here
// with stored (uncompressed) entries and zlib's CRC-32. Debian 12 has no
// libxlsxwriter package; a gradebook of a class is a few hundred cells, so
// the writer stays this small. Cells are inline strings (never formulas:
// a learner's name that begins with "=" stays text) or, when the text is a
// plain decimal number, numbers.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "hub_internal.h"

typedef struct buf {
    uint8_t *p;
    size_t n, cap;
    bool failed;
} buf;

static void put(buf *b, const void *data, size_t len)
{
    if (b->failed)
        return;
    if (b->n + len > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + len)
            cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->n, data, len);
    b->n += len;
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

static void le16(buf *b, unsigned v)
{
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    put(b, x, 2);
}

static void le32(buf *b, unsigned long v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(b, x, 4);
}

typedef struct zip_entry {
    const char *name;
    unsigned long crc, size, offset;
} zip_entry;

// One stored entry: local header, then the bytes.
static void zip_add(buf *z, zip_entry *e, const char *name, const uint8_t *data, size_t len)
{
    e->name = name;
    e->crc = crc32(crc32(0L, Z_NULL, 0), data, (uInt)len);
    e->size = (unsigned long)len;
    e->offset = (unsigned long)z->n;
    le32(z, 0x04034b50);
    le16(z, 20), le16(z, 0x0800), le16(z, 0); // version, UTF-8 names, stored
    le16(z, 0), le16(z, 0x21);                // time 00:00, date 1980-01-01
    le32(z, e->crc), le32(z, e->size), le32(z, e->size);
    le16(z, (unsigned)strlen(name)), le16(z, 0);
    puts_(z, name);
    put(z, data, len);
}

static void zip_finish(buf *z, const zip_entry *e, int n)
{
    unsigned long start = (unsigned long)z->n;
    for (int i = 0; i < n; i++) {
        le32(z, 0x02014b50);
        le16(z, 20), le16(z, 20), le16(z, 0x0800), le16(z, 0);
        le16(z, 0), le16(z, 0x21);
        le32(z, e[i].crc), le32(z, e[i].size), le32(z, e[i].size);
        le16(z, (unsigned)strlen(e[i].name)), le16(z, 0), le16(z, 0), le16(z, 0), le16(z, 0);
        le32(z, 0), le32(z, e[i].offset);
        puts_(z, e[i].name);
    }
    unsigned long size = (unsigned long)z->n - start;
    le32(z, 0x06054b50);
    le16(z, 0), le16(z, 0), le16(z, (unsigned)n), le16(z, (unsigned)n);
    le32(z, size), le32(z, start), le16(z, 0);
}

// Text as XML character data. Control bytes other than tab and newline are
// not allowed in XML 1.0: they are left out.
static void xml_text(buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '<') puts_(b, "&lt;");
        else if (c == '>') puts_(b, "&gt;");
        else if (c == '&') puts_(b, "&amp;");
        else if (c == '"') puts_(b, "&quot;");
        else if (c >= 0x20 || c == '\t' || c == '\n') put(b, s, 1);
    }
}

static bool is_number(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > 15)
        return false;
    size_t digits = strspn(s, "0123456789");
    return digits > 0 && (s[digits] == 0 || (s[digits] == '.' && s[digits + 1] &&
                                             strspn(s + digits + 1, "0123456789") == strlen(s + digits + 1)));
}

static void col_name(int col, char out[8])
{
    char tmp[8];
    int n = 0;
    for (col++; col > 0 && n < 7; col = (col - 1) / 26)
        tmp[n++] = (char)('A' + (col - 1) % 26);
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = 0;
}

static void sheet_xml(buf *b, const cJSON *rows)
{
    puts_(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
             "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>");
    int r = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, rows) {
        char ref[32], col[8];
        snprintf(ref, sizeof ref, "<row r=\"%d\">", ++r);
        puts_(b, ref);
        int c = 0;
        const cJSON *cell;
        cJSON_ArrayForEach(cell, row) {
            const char *s = cJSON_GetStringValue(cell);
            col_name(c++, col);
            snprintf(ref, sizeof ref, "%s%d", col, r);
            if (!s || !*s)
                continue;
            if (r > 1 && is_number(s)) {
                puts_(b, "<c r=\""), puts_(b, ref), puts_(b, "\"><v>"), puts_(b, s), puts_(b, "</v></c>");
            } else {
                puts_(b, "<c r=\""), puts_(b, ref), puts_(b, "\" t=\"inlineStr\"><is><t xml:space=\"preserve\">");
                xml_text(b, s);
                puts_(b, "</t></is></c>");
            }
        }
        puts_(b, "</row>");
    }
    puts_(b, "</sheetData></worksheet>");
}

bool hub_xlsx_write(const cJSON *rows, const char *sheet_name, uint8_t **out, size_t *out_len)
{
    static const char types[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        "<Override PartName=\"/xl/workbook.xml\""
        " ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
        "<Override PartName=\"/xl/worksheets/sheet1.xml\""
        " ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        "<Override PartName=\"/xl/styles.xml\""
        " ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
        "</Types>";
    static const char rels[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
    static const char wb_rels[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        "styles\" Target=\"styles.xml\"/></Relationships>";
    static const char styles[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        "<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
        "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
        "<fill><patternFill patternType=\"gray125\"/></fill></fills>"
        "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        "<cellXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/></cellXfs>"
        "</styleSheet>";
    buf wb = {0}, sheet = {0}, z = {0};
    puts_(&wb, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
               "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
               " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
               "<sheets><sheet name=\"");
    xml_text(&wb, sheet_name); // at most 31 characters, none of []:*?/\ (the caller's fixed name)
    puts_(&wb, "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
    sheet_xml(&sheet, rows);
    zip_entry e[6];
    zip_add(&z, &e[0], "[Content_Types].xml", (const uint8_t *)types, sizeof types - 1);
    zip_add(&z, &e[1], "_rels/.rels", (const uint8_t *)rels, sizeof rels - 1);
    zip_add(&z, &e[2], "xl/workbook.xml", wb.p, wb.n);
    zip_add(&z, &e[3], "xl/_rels/workbook.xml.rels", (const uint8_t *)wb_rels, sizeof wb_rels - 1);
    zip_add(&z, &e[4], "xl/styles.xml", (const uint8_t *)styles, sizeof styles - 1);
    zip_add(&z, &e[5], "xl/worksheets/sheet1.xml", sheet.p, sheet.n);
    zip_finish(&z, e, 6);
    bool ok = !wb.failed && !sheet.failed && !z.failed;
    free(wb.p);
    free(sheet.p);
    if (!ok) {
        free(z.p);
        return false;
    }
    *out = z.p;
    *out_len = z.n;
    return true;
}
