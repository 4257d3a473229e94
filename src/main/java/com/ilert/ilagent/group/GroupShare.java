package com.ilert.ilagent.group;

import com.ilert.ilagent.pacing.Pacer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * This agent's part of the rate limits its consumer group shares. ilert counts the per-key limits
 * per tenant, whichever agent sends, and the per-IP limit per source address; so the members of a
 * group together must stay under them. The records of a key are spread over a topic's partitions,
 * so an agent's part of the traffic is its part of the partitions: each partition is allotted its
 * share of a limit ({@link Pacer.Allotment}), in an order every member knows (topics by name, then
 * partition number), and the members' parts add up to the whole. Members of other clients in the
 * group (a Rust ilagent in a rolling migration) own partitions too and so count too; a member with
 * no partitions takes nothing. Pure.
 *
 * <p>Per kind: events' per-key limits over the event topics' partitions, pings' over the heartbeat
 * topics'. The per-IP limit: by default every member of the group is taken to be behind one egress
 * IP (one host, or one NAT: the usual case), so it is dealt over all consumed partitions; an
 * operator whose agents have their own addresses says how many share one ({@code
 * --rate_limit_ip_members}), and each of those takes an equal part.
 */
public final class GroupShare {
  private GroupShare() {}

  /**
   * The topics the agent consumes, by what their records become.
   *
   * @param events the event topics
   * @param heartbeats the heartbeat topics
   * @param all every consumed topic (the policy topic too)
   */
  public record Topics(List<String> events, List<String> heartbeats, List<String> all) {}

  /**
   * This agent's share.
   *
   * @param partitions the partition count of each consumed topic (a topic missing counts 0)
   * @param owned the partitions assigned to this agent, by topic
   * @param ipMembers how many agents are behind this agent's egress IP; 0 = every member of the
   *     group
   */
  public static Pacer.Share of(
      Topics topics,
      Map<String, Integer> partitions,
      Map<String, Set<Integer>> owned,
      int ipMembers) {
    Pacer.Allotment ip =
        switch (ipMembers) {
          case 0 -> allot(topics.all(), partitions, owned);
          case 1 -> Pacer.Allotment.ALL;
          // Equal parts; the last index never gets a remainder, so the parts stay within it.
          default -> new Pacer.Allotment(ipMembers, new int[] {ipMembers - 1});
        };
    return new Pacer.Share(
        allot(topics.events(), partitions, owned),
        allot(topics.heartbeats(), partitions, owned),
        ip);
  }

  /** The allotment over these topics' partitions; the whole when they have none. */
  static Pacer.Allotment allot(
      List<String> topics, Map<String, Integer> partitions, Map<String, Set<Integer>> owned) {
    int total = 0;
    List<Integer> mine = new ArrayList<>();
    for (String topic : new TreeSet<>(topics)) {
      int count = partitions.getOrDefault(topic, 0);
      Set<Integer> ours = owned.getOrDefault(topic, Set.of());
      for (int p = 0; p < count; p++) {
        if (ours.contains(p)) {
          mine.add(total + p);
        }
      }
      total += count;
    }
    if (total == 0 || mine.size() == total) {
      return Pacer.Allotment.ALL;
    }
    return new Pacer.Allotment(total, mine.stream().mapToInt(Integer::intValue).toArray());
  }
}
