package org.ketaminecds.cds.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * A hook call's body as read from the wire ({@link HookBodyReader}).
 *
 * @param head the body as a JSON tree, without {@code prefetch} when that is an object: usually an
 *     object, but whatever JSON value was sent (the reader refuses anything else)
 * @param prefetch the prefetch object's values, in order, when {@code prefetch} is an object
 */
public record HookBody(JsonNode head, Optional<Map<String, PrefetchValue>> prefetch) {}
