package com.ilert.ilagent.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI for TLS tests, made with the JDK's own {@code keytool}: a CA, a broker key store
 * (CN=localhost, SAN localhost and 127.0.0.1, so host name verification stays on), a client key
 * store for mutual TLS, and a trust store holding the CA. All stores are PKCS12, each with its own
 * random password; certificates are valid for two days.
 *
 * <pre>{@code
 * TestCertificates certs = TestCertificates.generate(tempDir);
 * // broker:  listener.name.ssl.ssl.keystore.location = certs.brokerKeyStore(), ...
 * // client:  ssl.truststore.location = certs.trustStore(), ssl.truststore.password = certs.trustStorePassword()
 * }</pre>
 *
 * <p>EC keys (P-256) keep generation fast; the broker's and the client's chains are made in
 * parallel, as each keytool call is a JVM start.
 */
public record TestCertificates(
    Path trustStore,
    String trustStorePassword,
    Path brokerKeyStore,
    String brokerKeyStorePassword,
    Path clientKeyStore,
    String clientKeyStorePassword) {

  private static final long KEYTOOL_TIMEOUT_S = 60;

  /** Every password of these stores, for asserting that none of them shows up in a log. */
  public List<String> passwords() {
    List<String> all = new ArrayList<>(List.of(trustStorePassword, brokerKeyStorePassword));
    if (clientKeyStorePassword != null) {
      all.add(clientKeyStorePassword);
    }
    return all;
  }

  /** Writes the stores into {@code dir} (which must exist) and returns where they are. */
  public static TestCertificates generate(Path dir) {
    Path ca = dir.resolve("ca.p12");
    String caPassword = password("ca");
    Path caPem = dir.resolve("ca.pem");
    TestCertificates certs =
        new TestCertificates(
            dir.resolve("truststore.p12"), password("trust"),
            dir.resolve("broker.p12"), password("broker-ks"),
            dir.resolve("client.p12"), password("client-ks"));

    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=ilagent-test-ca",
        "-ext",
        "bc:c",
        "-validity",
        "2",
        "-keystore",
        ca.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        caPassword,
        "-keypass",
        caPassword);
    keytool(
        "-exportcert",
        "-alias",
        "ca",
        "-rfc",
        "-file",
        caPem.toString(),
        "-keystore",
        ca.toString(),
        "-storepass",
        caPassword);

    CompletableFuture<Void> trust =
        CompletableFuture.runAsync(
            () ->
                keytool(
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    "ca",
                    "-file",
                    caPem.toString(),
                    "-keystore",
                    certs.trustStore().toString(),
                    "-storetype",
                    "PKCS12",
                    "-storepass",
                    certs.trustStorePassword()));
    CompletableFuture<Void> broker =
        CompletableFuture.runAsync(
            () ->
                signedKeyStore(
                    dir,
                    "broker",
                    "CN=localhost",
                    LOCAL_SAN,
                    certs.brokerKeyStore(),
                    certs.brokerKeyStorePassword(),
                    ca,
                    caPassword,
                    caPem));
    CompletableFuture<Void> client =
        CompletableFuture.runAsync(
            () ->
                signedKeyStore(
                    dir,
                    "client",
                    "CN=ilagent-test-client",
                    LOCAL_SAN,
                    certs.clientKeyStore(),
                    certs.clientKeyStorePassword(),
                    ca,
                    caPassword,
                    caPem));
    try {
      CompletableFuture.allOf(trust, broker, client).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    return certs;
  }

  /**
   * A CA, a trust store holding it, and a server key store whose certificate names {@code dnsName}
   * (and localhost, 127.0.0.1): for an HTTPS server reached under a name only a proxy resolves. The
   * trust store's password is {@link #trustStorePassword()}, the key store's {@link
   * #brokerKeyStorePassword()}; there is no client key store.
   */
  public static TestCertificates server(Path dir, String dnsName) {
    Path ca = dir.resolve("server-ca.p12");
    String caPassword = password("ca");
    Path caPem = dir.resolve("server-ca.pem");
    TestCertificates certs =
        new TestCertificates(
            dir.resolve("server-truststore.p12"),
            password("trust"),
            dir.resolve("server.p12"),
            password("server-ks"),
            null,
            null);
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=ilagent-test-ca",
        "-ext",
        "bc:c",
        "-validity",
        "2",
        "-keystore",
        ca.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        caPassword,
        "-keypass",
        caPassword);
    keytool(
        "-exportcert",
        "-alias",
        "ca",
        "-rfc",
        "-file",
        caPem.toString(),
        "-keystore",
        ca.toString(),
        "-storepass",
        caPassword);
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        caPem.toString(),
        "-keystore",
        certs.trustStore().toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        certs.trustStorePassword());
    signedKeyStore(
        dir,
        "server",
        "CN=" + dnsName,
        "SAN=dns:" + dnsName + "," + LOCAL_SAN.substring(4),
        certs.brokerKeyStore(),
        certs.brokerKeyStorePassword(),
        ca,
        caPassword,
        caPem);
    return certs;
  }

  /** The JVM options that make a Java process trust these certificates (and only them). */
  public List<String> trustingJvmOptions() {
    return List.of(
        "-Djavax.net.ssl.trustStore=" + trustStore,
        "-Djavax.net.ssl.trustStoreType=PKCS12",
        "-Djavax.net.ssl.trustStorePassword=" + trustStorePassword);
  }

  private static final String LOCAL_SAN = "SAN=dns:localhost,ip:127.0.0.1";

  /**
   * A key pair, its certificate signed by the CA, and the chain (certificate + CA) in one store.
   */
  private static void signedKeyStore(
      Path dir,
      String alias,
      String dname,
      String san,
      Path store,
      String storePassword,
      Path ca,
      String caPassword,
      Path caPem) {
    Path csr = dir.resolve(alias + ".csr");
    Path pem = dir.resolve(alias + ".pem");
    Path chain = dir.resolve(alias + "-chain.pem");
    keytool(
        "-genkeypair",
        "-alias",
        alias,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        dname,
        "-validity",
        "2",
        "-keystore",
        store.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        storePassword,
        "-keypass",
        storePassword);
    keytool(
        "-certreq",
        "-alias",
        alias,
        "-file",
        csr.toString(),
        "-keystore",
        store.toString(),
        "-storepass",
        storePassword);
    keytool(
        "-gencert",
        "-alias",
        "ca",
        "-infile",
        csr.toString(),
        "-outfile",
        pem.toString(),
        "-rfc",
        "-validity",
        "2",
        "-ext",
        san,
        "-ext",
        "ku:c=digitalSignature,keyAgreement",
        "-ext",
        "eku=serverAuth,clientAuth",
        "-keystore",
        ca.toString(),
        "-storepass",
        caPassword);
    try {
      // The reply with its whole chain: keytool then needs no CA entry in the key store.
      Files.writeString(chain, Files.readString(pem) + Files.readString(caPem));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        alias,
        "-file",
        chain.toString(),
        "-keystore",
        store.toString(),
        "-storepass",
        storePassword);
  }

  private static void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    // A short-lived JVM: skip the optimising compiler, it only costs start-up time here.
    command.add("-J-XX:TieredStopAtLevel=1");
    command.add("-J-XX:+UseSerialGC");
    command.addAll(List.of(args));
    try {
      Path output = Files.createTempFile("keytool-", ".log");
      try {
        Process p =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!p.waitFor(KEYTOOL_TIMEOUT_S, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(
              "keytool " + args[0] + " did not finish within " + KEYTOOL_TIMEOUT_S + " s");
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException(
              "keytool "
                  + args[0]
                  + " failed with exit code "
                  + p.exitValue()
                  + ": "
                  + Files.readString(output, StandardCharsets.UTF_8).strip());
        }
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run keytool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }

  private static String password(String what) {
    return what + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }
}
