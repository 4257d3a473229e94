package com.ilert.ilagent.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.ilert.ilagent.mapping.JsonTypes;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads the JSON config file (--config). Keys are the long option names without dashes, plus {@code
 * verbose} and the {@code kafka} object. Unknown keys and values of the wrong JSON type are errors;
 * a JSON {@code null} means "not set", so a template can list a key without a value.
 */
final class ConfigFile {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          // A key given twice is almost always a merge mistake; make it visible.
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final Map<String, Setting> BY_KEY = new HashMap<>();

  static {
    for (Setting s : Setting.values()) {
      BY_KEY.put(s.jsonKey(), s);
    }
  }

  private ConfigFile() {}

  static RawSettings read(Path path) throws ConfigException {
    String where = "config file " + path;
    JsonNode root = parse(path, where);
    if (root == null || root.isMissingNode()) {
      throw new ConfigException(where + ": is empty, expected a JSON object");
    }
    if (!root.isObject()) {
      throw new ConfigException(where + ": expected a JSON object at the top level");
    }
    RawSettings out = new RawSettings();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      Setting s = BY_KEY.get(field.getKey());
      if (s == null) {
        throw new ConfigException(
            where + ": unknown key " + RawValue.quote(field.getKey()) + hint(field.getKey()));
      }
      if (field.getValue().isNull()) {
        continue;
      }
      String source = where + ": key " + RawValue.quote(field.getKey());
      if (s == Setting.KAFKA_PROPERTY) {
        readKafka(field.getValue(), source, out);
      } else {
        out.put(s, new RawValue(JsonValues.text(s, field.getValue(), source), source, s.secret()));
      }
    }
    return out;
  }

  private static JsonNode parse(Path path, String where) throws ConfigException {
    try {
      return JSON.readTree(Files.readString(path));
    } catch (JsonProcessingException e) {
      // Jackson's message may quote file content (secrets); the line number is enough to find it.
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new ConfigException(
          where + ": not valid JSON" + (line > 0 ? " (line " + line + ")" : ""));
    } catch (NoSuchFileException e) {
      throw new ConfigException(where + ": file not found");
    } catch (AccessDeniedException e) {
      throw new ConfigException(where + ": permission denied");
    } catch (IOException e) {
      String why =
          Files.isDirectory(path)
              ? "is a directory"
              : "cannot be read (" + e.getClass().getSimpleName() + ")";
      throw new ConfigException(where + ": " + why);
    }
  }

  private static void readKafka(JsonNode node, String source, RawSettings out)
      throws ConfigException {
    if (!node.isObject()) {
      throw new ConfigException(
          source + ": expected a JSON object of Kafka properties, got " + JsonTypes.name(node));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      String propSource = source + "." + RawValue.quote(p.getKey());
      JsonNode v = p.getValue();
      if (!(v.isTextual() || v.isNumber() || v.isBoolean())) {
        throw new ConfigException(
            propSource + ": expected a string, number or boolean, got " + JsonTypes.name(v));
      }
      out.putKafkaProperty(p.getKey(), new RawValue(v.asText(), propSource, true));
    }
  }

  private static String hint(String key) {
    return switch (key) {
      case "kafka_property" -> " (Kafka properties go into the \"kafka\" object)";
      case "v" -> " (use \"verbose\": <number>)";
      case "config" -> " (a config file cannot name another one)";
      default -> "";
    };
  }
}
