package dev.netlab.webserver.files;

import dev.netlab.webserver.http.HttpDate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The HTML index of a directory without index.html: directories first, then files, each sorted by name. */
final class DirectoryListing {

    private record Entry(String name, boolean directory, long size, Instant modified) {
    }

    private DirectoryListing() {
    }

    /** The page for {@code directory}, reached by {@code segments}; entries the resolver refuses are left out. */
    static byte[] render(Resolution.Directory directory, PathResolver resolver) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory.path())) {
            for (Path child : stream) {
                if (!resolver.listable(directory, child.getFileName().toString())) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(child, BasicFileAttributes.class);
                } catch (IOException e) {
                    continue;
                }
                entries.add(new Entry(child.getFileName().toString(), attributes.isDirectory(), attributes.size(),
                        attributes.lastModifiedTime().toInstant()));
            }
        }
        entries.sort(Comparator.comparing((Entry e) -> !e.directory()).thenComparing(Entry::name));
        String title = PathEncoding.html("Index of " + displayPath(directory.segments()));
        StringBuilder page = new StringBuilder(256 + entries.size() * 128)
                .append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>").append(title)
                .append("</title>\n</head>\n<body>\n<h1>").append(title).append("</h1>\n<table>\n")
                .append("<tr><th>Name</th><th>Size</th><th>Last modified</th></tr>\n");
        if (!directory.segments().isEmpty()) {
            page.append("<tr><td><a href=\"../\">../</a></td><td>-</td><td></td></tr>\n");
        }
        for (Entry entry : entries) {
            String suffix = entry.directory() ? "/" : "";
            page.append("<tr><td><a href=\"").append(PathEncoding.segment(entry.name())).append(suffix).append("\">")
                    .append(PathEncoding.html(entry.name())).append(suffix).append("</a></td><td>")
                    .append(entry.directory() ? "-" : Long.toString(entry.size())).append("</td><td>")
                    .append(HttpDate.format(entry.modified())).append("</td></tr>\n");
        }
        page.append("</table>\n</body>\n</html>\n");
        return page.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String displayPath(List<String> segments) {
        return segments.isEmpty() ? "/" : "/" + String.join("/", segments) + "/";
    }
}
