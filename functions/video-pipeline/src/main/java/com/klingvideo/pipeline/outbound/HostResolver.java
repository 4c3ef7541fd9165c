package com.klingvideo.pipeline.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Turns a host name into its addresses: the one DNS lookup of a guarded fetch. */
@FunctionalInterface
public interface HostResolver {

    /** The system resolver (in Lambda, the VPC's or AWS's DNS). */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    List<InetAddress> resolve(String host) throws UnknownHostException;
}
