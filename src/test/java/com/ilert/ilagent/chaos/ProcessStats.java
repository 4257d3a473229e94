package com.ilert.ilagent.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory and threads of a running process, from /proc and jcmd (Linux, JDK's jcmd). */
record ProcessStats(long rssKb, int threads, long liveHeapKb) {
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  /** VmRSS and Threads from /proc/<pid>/status; -1 where unknown (process gone). */
  static ProcessStats proc(long pid) {
    long rss = -1;
    int threads = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
        } else if (line.startsWith("Threads:")) {
          threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process ended: unknown
    }
    return new ProcessStats(rss, threads, -1);
  }

  /** As {@link #proc}, plus the heap in use right after a full GC (jcmd GC.run, GC.heap_info). */
  static ProcessStats withLiveHeap(long pid) {
    ProcessStats p = proc(pid);
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    long used = -1;
    for (String line : info.lines().toList()) {
      // G1: "garbage-first heap   total 262144K, used 12345K"; Serial/Parallel: one line per
      // generation.
      String l = line.trim();
      if (l.startsWith("garbage-first heap")
          || l.contains("generation")
          || l.startsWith("PSYoungGen")
          || l.startsWith("ParOldGen")) {
        Matcher m = USED.matcher(l);
        if (m.find()) {
          used = Math.max(used, 0) + Long.parseLong(m.group(1));
        }
      }
    }
    return new ProcessStats(p.rssKb, p.threads, used);
  }

  private static String jcmd(long pid, String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid), command));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  @Override
  public String toString() {
    return "rss="
        + rssKb / 1024
        + "MiB threads="
        + threads
        + (liveHeapKb >= 0 ? " live_heap=" + liveHeapKb / 1024 + "MiB" : "");
  }
}
