// SPDX-License-Identifier: Apache-2.0
// What OpenXR 1.1 adds to the core that xrsim implements, declared here
// because Debian's headers are 1.0.20. Values and layouts are the
// specification's (1.1, registry xr.xml): §7.5 "Locating Multiple Spaces"
// (xrLocateSpaces, promoted from XR_KHR_locate_spaces), §7.1 reference
// space LOCAL_FLOOR (promoted from XR_EXT_local_floor), and the result codes
// promoted from XR_KHR_maintenance1. Our own names (XRSIM_/xrsim_) so that
// a build against newer headers does not clash.
#pragma once

#include <openxr/openxr.h>

#define XRSIM_API_VERSION_1_1 XR_MAKE_VERSION(1, 1, 0)

#define XRSIM_REFERENCE_SPACE_TYPE_LOCAL_FLOOR ((XrReferenceSpaceType)1000426000)
#define XRSIM_TYPE_SPACES_LOCATE_INFO ((XrStructureType)1000471000)
#define XRSIM_TYPE_SPACE_LOCATIONS ((XrStructureType)1000471001)
#define XRSIM_TYPE_SPACE_VELOCITIES ((XrStructureType)1000471002)
#define XRSIM_ERROR_PERMISSION_INSUFFICIENT ((XrResult)-1000710000)
#define XRSIM_ERROR_EXTENSION_DEPENDENCY_NOT_ENABLED ((XrResult)-1000710001)

typedef struct xrsim_spaces_locate_info { // XrSpacesLocateInfo
    XrStructureType type;
    const void *next;
    XrSpace baseSpace;
    XrTime time;
    uint32_t spaceCount;
    const XrSpace *spaces;
} xrsim_spaces_locate_info;

typedef struct xrsim_space_location_data { // XrSpaceLocationData
    XrSpaceLocationFlags locationFlags;
    XrPosef pose;
} xrsim_space_location_data;

typedef struct xrsim_space_locations { // XrSpaceLocations
    XrStructureType type;
    void *next;
    uint32_t locationCount;
    xrsim_space_location_data *locations;
} xrsim_space_locations;

typedef struct xrsim_space_velocity_data { // XrSpaceVelocityData
    XrSpaceVelocityFlags velocityFlags;
    XrVector3f linearVelocity;
    XrVector3f angularVelocity;
} xrsim_space_velocity_data;

typedef struct xrsim_space_velocities { // XrSpaceVelocities, chained to XrSpaceLocations
    XrStructureType type;
    void *next;
    uint32_t velocityCount;
    xrsim_space_velocity_data *velocities;
} xrsim_space_velocities;

typedef XrResult(XRAPI_PTR *xrsim_PFN_xrLocateSpaces)(XrSession session,
                                                     const xrsim_spaces_locate_info *info,
                                                     xrsim_space_locations *locations);
