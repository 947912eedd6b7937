package dev.segmentation.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Chromium, headless, on a local file: the page as the browser built it, what its console
 * said, and a screenshot. .ci/run installs the browser.
 */
final class Browser {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  /** The rendered DOM, the console messages Chromium logged, and where the screenshot is. */
  record Page(String dom, List<String> console) {

    /** A body attribute the page's own script set, or null. */
    String bodyAttribute(String name) {
      Matcher matcher =
          Pattern.compile("<body[^>]*\\s" + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(dom);
      return matcher.find() ? matcher.group(1) : null;
    }
  }

  private Browser() {}

  static Page open(Path html, Path screenshot) {
    if (!Files.isExecutable(CHROMIUM)) {
      throw new IllegalStateException(
          "the report test needs Chromium at "
              + CHROMIUM
              + ": apt-get install chromium (.ci/run does)");
    }
    try {
      Path work = Files.createTempDirectory("chromium");
      Path log = work.resolve("console.log");
      String dom =
          run(work, log, "--virtual-time-budget=5000", "--dump-dom", html.toUri().toString());
      List<String> console = new ArrayList<>();
      for (String line : Files.readAllLines(log)) {
        if (line.contains("CONSOLE") || line.contains("Uncaught")) {
          console.add(line);
        }
      }
      Files.createDirectories(screenshot.getParent());
      run(
          work,
          work.resolve("screenshot.log"),
          "--hide-scrollbars",
          // The README's picture: the top of the report at a laptop screen's width.
          "--window-size=1280,1200",
          "--screenshot=" + screenshot.toAbsolutePath(),
          html.toUri().toString());
      return new Page(dom, console);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String run(Path work, Path log, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--enable-logging=stderr",
                "--v=0",
                "--user-data-dir=" + work.resolve("profile-" + System.nanoTime())));
    command.addAll(List.of(args));
    Path out = work.resolve("out-" + System.nanoTime());
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(log.toFile())
            .start();
    try {
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("Chromium did not finish within 2 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return Files.readString(out);
  }
}
