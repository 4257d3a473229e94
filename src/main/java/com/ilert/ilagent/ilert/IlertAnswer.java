package com.ilert.ilagent.ilert;

/**
 * ilert's answer to one request.
 *
 * @param retryAfter the raw Retry-After header, or null
 * @param correlationId the correlation-id header ilert support asks for, or null
 * @param body the answer body, cut to a length fit for a log line, or ""
 */
public record IlertAnswer(int status, String retryAfter, String correlationId, String body) {}
