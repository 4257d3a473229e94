package com.ilert.ilagent.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Throughput against ilert latency, agent and yardstick, drawn with java.awt (headless) on a log
 * scale.
 */
final class LatencyChart {
  private LatencyChart() {}

  static void write(
      Path file, long[] latenciesMs, double[] agent, double[] yardstick, String subtitle)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    int w = 900;
    int h = 560;
    int left = 90;
    int right = 80;
    int top = 70;
    int bottom = 70;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);

    double maxVal = 1;
    double minVal = Double.MAX_VALUE;
    for (double v : agent) {
      maxVal = Math.max(maxVal, v);
      minVal = Math.min(minVal, v);
    }
    for (double v : yardstick) {
      maxVal = Math.max(maxVal, v);
      minVal = Math.min(minVal, v);
    }
    int lo = (int) Math.floor(Math.log10(Math.max(1, minVal)));
    int hi = (int) Math.ceil(Math.log10(maxVal));
    if (hi <= lo) {
      hi = lo + 1;
    }
    long maxLat = 1;
    for (long l : latenciesMs) {
      maxLat = Math.max(maxLat, l);
    }
    int pw = w - left - right;
    int ph = h - top - bottom;

    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
    g.drawString("Forwarding throughput vs ilert answer latency", left, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString(subtitle, left, 50);

    // grid and y labels (log scale)
    for (int e = lo; e <= hi; e++) {
      for (int m = 1; m < 10; m++) {
        double v = m * Math.pow(10, e);
        if (e == hi && m > 1) {
          break;
        }
        int y = yOf(v, lo, hi, top, ph);
        g.setColor(m == 1 ? new Color(200, 200, 200) : new Color(235, 235, 235));
        g.drawLine(left, y, left + pw, y);
        if (m == 1) {
          g.setColor(Color.DARK_GRAY);
          String label = String.format("%,d", (long) v);
          g.drawString(label, left - 10 - g.getFontMetrics().stringWidth(label), y + 4);
        }
      }
    }
    // x axis ticks
    for (long l : latenciesMs) {
      int x = left + (int) (pw * l / (double) maxLat);
      g.setColor(new Color(225, 225, 225));
      g.drawLine(x, top, x, top + ph);
      g.setColor(Color.DARK_GRAY);
      String label = l + " ms";
      g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, top + ph + 20);
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, pw, ph);
    g.drawString("ilert answer latency", left + pw / 2 - 50, h - 25);
    Graphics2D gy = (Graphics2D) g.create();
    gy.rotate(-Math.PI / 2);
    gy.drawString("events/s (log scale)", -(top + ph / 2 + 55), 20);
    gy.dispose();

    series(
        g,
        latenciesMs,
        agent,
        maxLat,
        lo,
        hi,
        left,
        top,
        pw,
        ph,
        new Color(0, 102, 204),
        "agent (default settings)");
    series(
        g,
        latenciesMs,
        yardstick,
        maxLat,
        lo,
        hi,
        left,
        top,
        pw,
        ph,
        new Color(204, 85, 0),
        "yardstick (one record at a time)");

    // legend
    int lx = left + pw - 260;
    int ly = top + 15;
    g.setColor(Color.WHITE);
    g.fillRect(lx - 8, ly - 12, 255, 44);
    g.setColor(Color.GRAY);
    g.drawRect(lx - 8, ly - 12, 255, 44);
    legend(g, lx, ly, new Color(0, 102, 204), "agent (default settings)");
    legend(g, lx, ly + 20, new Color(204, 85, 0), "yardstick (one record at a time)");
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  private static void legend(Graphics2D g, int x, int y, Color c, String label) {
    g.setColor(c);
    g.setStroke(new BasicStroke(3));
    g.drawLine(x, y - 4, x + 24, y - 4);
    g.setColor(Color.BLACK);
    g.drawString(label, x + 32, y);
  }

  private static void series(
      Graphics2D g,
      long[] xs,
      double[] ys,
      long maxLat,
      int lo,
      int hi,
      int left,
      int top,
      int pw,
      int ph,
      Color c,
      String name) {
    g.setColor(c);
    g.setStroke(new BasicStroke(3));
    int px = -1;
    int py = -1;
    for (int i = 0; i < xs.length; i++) {
      if (!(ys[i] > 0)) {
        continue;
      }
      int x = left + (int) (pw * xs[i] / (double) maxLat);
      int y = yOf(ys[i], lo, hi, top, ph);
      if (px >= 0) {
        g.drawLine(px, py, x, y);
      }
      g.fillOval(x - 5, y - 5, 10, 10);
      String label = String.format("%,.0f", ys[i]);
      g.drawString(label, x + 8, y - 8);
      px = x;
      py = y;
    }
  }

  private static int yOf(double v, int lo, int hi, int top, int ph) {
    double f = (Math.log10(v) - lo) / (hi - lo);
    return top + ph - (int) Math.round(f * ph);
  }
}
