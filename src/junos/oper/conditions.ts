/**
 * What device events did to the operational state (../life/events.ts sets them, the model
 * reads them): links down, neighbours dropped, rates set.
 */
/** What the operational model applies on top of the committed configuration. */
export interface OperConditions {
  /** Physical interfaces whose link an event took down. */
  linksDown: Set<string>;
  /** When an event last changed a physical interface's link (epoch ms). */
  linkChanged: Map<string, number>;
  /** Carrier transitions and input errors events added, per physical interface. */
  flaps: Map<string, number>;
  /** BGP peers an event took down (address -> since). */
  bgpDown: Map<string, number>;
  /** When an event last changed a BGP peer's state, and how often it flapped. */
  bgpChanged: Map<string, { since: number; flaps: number }>;
  /** Logical interfaces whose OSPF adjacency an event took down (-> since). */
  ospfDown: Map<string, number>;
  /** Traffic rate set per physical interface (bits per second, each direction). */
  rates: Map<string, number>;
  /** Byte counts of a physical interface when its rate was set (counters stay monotonic). */
  rateBase?: Map<string, { since: number; inBytes: number; outBytes: number }>;
}
