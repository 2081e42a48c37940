package org.ketaminecds.compliance.reports;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * One report over [from, to): its rows, one record each, and the column names (the record's
 * components, in order).
 */
public record Report<T extends Record>(
    String report, String title, Instant from, Instant to, List<String> columns, List<T> rows) {

  public Report {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
  }

  static <T extends Record> Report<T> of(ReportName name, TimeRange range, List<T> rows) {
    List<String> columns =
        Arrays.stream(name.rowType().getRecordComponents()).map(RecordComponent::getName).toList();
    return new Report<>(name.id(), name.title(), range.from(), range.to(), columns, rows);
  }

  /** The row's values in column order. */
  public static List<Object> values(Record row) {
    return Arrays.stream(row.getClass().getRecordComponents())
        .map(component -> value(component, row))
        .toList();
  }

  private static Object value(RecordComponent component, Record row) {
    try {
      return component.getAccessor().invoke(row);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("unreadable report column " + component.getName(), e);
    }
  }
}
