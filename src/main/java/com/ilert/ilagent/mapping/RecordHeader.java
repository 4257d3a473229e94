package com.ilert.ilagent.mapping;

/** One Kafka record header, as the mapper sees it (no Kafka types in the mapping package). */
public record RecordHeader(String key, byte[] value) {}
