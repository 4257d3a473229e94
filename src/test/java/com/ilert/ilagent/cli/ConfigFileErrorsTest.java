package com.ilert.ilagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.ilert.ilagent.ExitCodes;
import com.ilert.ilagent.cli.CliRun.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A broken --config file stops the agent with one line naming the file and the problem. */
class ConfigFileErrorsTest {
  @TempDir Path dir;

  private String errorFor(String json) throws IOException {
    Path f = dir.resolve("bad.json");
    Files.writeString(f, json);
    return errorFor(f);
  }

  private static String errorFor(Path config) {
    Result r = CliRun.run("daemon", "--config", config.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.config()).isNull();
    assertThat(r.errLines()).hasSize(1);
    return r.errLines().get(0);
  }

  @Test
  void missingFile() {
    Path f = dir.resolve("nope.json");
    assertThat(errorFor(f)).isEqualTo("ilagent: config file " + f + ": file not found");
  }

  @Test
  void directoryInsteadOfFile() {
    assertThat(errorFor(dir)).isEqualTo("ilagent: config file " + dir + ": is a directory");
  }

  @Test
  void brokenJsonNamesTheLine() throws IOException {
    String json = "{\n  \"kafka_brokers\": \"h:1\",\n  \"event_topic\": \"t\"\n  \"port\": 1\n}";
    assertThat(errorFor(json))
        .isEqualTo("ilagent: config file " + dir.resolve("bad.json") + ": not valid JSON (line 4)");
  }

  @Test
  void emptyFile() throws IOException {
    assertThat(errorFor("")).endsWith(": is empty, expected a JSON object");
  }

  @Test
  void topLevelMustBeAnObject() throws IOException {
    assertThat(errorFor("[\"kafka_brokers\"]"))
        .endsWith(": expected a JSON object at the top level");
  }

  @Test
  void duplicateKeyIsAnError() throws IOException {
    assertThat(errorFor("{\"port\": 1,\n\"port\": 2}")).endsWith(": not valid JSON (line 2)");
  }

  @Test
  void unknownKey() throws IOException {
    assertThat(errorFor("{\"kafka_brokerz\": \"h:1\"}"))
        .isEqualTo(
            "ilagent: config file " + dir.resolve("bad.json") + ": unknown key \"kafka_brokerz\"");
  }

  @Test
  void kafkaPropertyKeyPointsToTheKafkaObject() throws IOException {
    assertThat(errorFor("{\"kafka_property\": [\"a=b\"]}"))
        .endsWith("unknown key \"kafka_property\" (Kafka properties go into the \"kafka\" object)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      {"port": "8977"}                   | key "port": expected an integer, got a string
      {"port": 80.5}                     | key "port": expected an integer, got a decimal number
      {"verbose": true}                  | key "verbose": expected an integer, got a boolean
      {"event_topic": 5}                 | key "event_topic": expected a string or an array of strings, got an integer
      {"event_topic": ["a", 1]}          | key "event_topic": expected an array of strings, got an integer
      {"forward_message_payload": "yes"} | key "forward_message_payload": expected true or false, got a string
      {"kafka_group_id": {}}             | key "kafka_group_id": expected a string, got an object
      {"kafka": "client.id=x"}           | key "kafka": expected a JSON object of Kafka properties, got a string
      {"kafka": {"a": {"b": 1}}}         | key "kafka"."a": expected a string, number or boolean, got an object
      """)
  void valueOfWrongType(String json, String expected) throws IOException {
    assertThat(errorFor(json))
        .isEqualTo("ilagent: config file " + dir.resolve("bad.json") + ": " + expected);
  }

  @Test
  void badValueInFileNamesFileAndKey() throws IOException {
    assertThat(
            errorFor("{\"kafka_brokers\": \"h:1\", \"event_topic\": \"t\", \"max_in_flight\": 0}"))
        .isEqualTo(
            "ilagent: config file "
                + dir.resolve("bad.json")
                + ": key \"max_in_flight\": expected an integer from 1 to 10000, got \"0\"");
  }

  @Test
  void reservedKafkaPropertyInFile() throws IOException {
    assertThat(
            errorFor(
                "{\"kafka_brokers\": \"h:1\", \"event_topic\": \"t\", \"kafka\": {\"bootstrap.servers\": \"x:1\"}}"))
        .endsWith(
            ": key \"kafka\".\"bootstrap.servers\": Kafka property \"bootstrap.servers\" is set by the agent;"
                + " use --kafka_brokers");
  }
}
