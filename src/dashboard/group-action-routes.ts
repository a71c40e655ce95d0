import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, InputError, problemSentence } from '../services/input-error.js';
import type { Services } from '../services/services.js';
import type { DashboardDeps } from './dashboard-deps.js';
import { crossSite, noSuchGroup, sendPage } from './dashboard-replies.js';
import { FORM_BODY_LIMIT, SIGNED_IN_ROUTE } from './dashboard-scope.js';
import { type GroupRefusal, groupPage, type InviteFields } from './pages/group-page.js';
import { fromSameOrigin } from './session-cookie.js';
import { type AppView, groupHref, parseAppView } from './view-params.js';

/**
 * The changes a team makes on a group's page: invite a tester into the group, take one out. Each calls the
 * service method the API's operation of the same effect calls (http/resources/write-operations.ts), so the
 * dashboard has no write path of its own. Forms come only from the dashboard's own pages (the same check as
 * signing in); a change done answers 303 back to the page, a refusal shows the page again with its message.
 */
export function groupActionRoutes(scope: FastifyInstance, deps: DashboardDeps): void {
  // A JSON body (which the API's parser reads) is held to the form's bound too.
  const authed = { ...SIGNED_IN_ROUTE, bodyLimit: FORM_BODY_LIMIT };
  scope.post('/apps/:appId/groups/:groupId/invite', authed, (request, reply) =>
    groupAction(deps, request, reply, (target, form) => {
      const typed: InviteFields = {
        email: field(form, 'email'),
        firstName: field(form, 'firstName'),
        lastName: field(form, 'lastName'),
      };
      return { typed, change: () => inviteIntoGroup(deps.services, target, typed) };
    }),
  );

  // betaGroups_betaTesters_deleteToManyRelationship
  scope.post('/apps/:appId/groups/:groupId/remove', authed, (request, reply) =>
    groupAction(deps, request, reply, (target, form) => ({
      change: () => deps.services.betaGroups.remove(target.groupId, { testerIds: [field(form, 'testerId')] }),
    })),
  );
}

interface GroupTarget {
  readonly appId: string;
  readonly groupId: string;
}

type FormFields = Readonly<Record<string, unknown>>;

/** A change read from a form: what to write, and what the form keeps when it is refused. */
interface GroupChange {
  readonly typed?: InviteFields;
  readonly change: () => Promise<unknown>;
}

async function groupAction(
  deps: DashboardDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  read: (target: GroupTarget, form: FormFields) => GroupChange,
): Promise<FastifyReply> {
  // Before anything is read: another site's form changes nothing, whatever it names.
  if (!fromSameOrigin(request, deps.baseUrl(request))) return crossSite(reply, true);
  const target = request.params as GroupTarget;
  const view = parseAppView(request.query);
  // The group must be the app's: the address names both, and a change must not reach another app's group.
  if ((await deps.services.dashboard.findGroup(target.appId, target.groupId)) === undefined)
    return noSuchGroup(reply, target.appId, target.groupId, view);
  const { typed, change } = read(target, formFields(request.body));
  try {
    await change();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const status = error instanceof ConflictError ? 409 : 400;
    return refusedPage(deps, reply, target, view, status, { message: problemSentence(error), typed });
  }
  return reply.redirect(groupHref(target.appId, target.groupId, view), 303);
}

/**
 * betaTesters_createInstance with the group; an email already a tester of the app (the service's conflict on
 * `email`) joins the group instead, as betaGroups_betaTesters_createToManyRelationship.
 */
async function inviteIntoGroup(services: Services, target: GroupTarget, typed: InviteFields): Promise<void> {
  try {
    await services.betaTesters.create({
      appId: target.appId,
      email: typed.email,
      ...(typed.firstName !== '' && { firstName: typed.firstName }),
      ...(typed.lastName !== '' && { lastName: typed.lastName }),
      betaGroupIds: [target.groupId],
    });
  } catch (error) {
    if (!(error instanceof ConflictError && error.field === 'email')) throw error;
    const known = await services.betaTesters.list({
      appIds: [target.appId],
      emails: [typed.email.trim()],
      limit: 1,
      scope: 'dashboard invite',
    });
    const tester = known.rows[0];
    if (tester === undefined) throw error;
    await services.betaGroups.add(target.groupId, { testerIds: [tester.id] });
  }
}

async function refusedPage(
  deps: DashboardDeps,
  reply: FastifyReply,
  target: GroupTarget,
  view: AppView,
  status: number,
  refusal: GroupRefusal,
): Promise<FastifyReply> {
  const detail = await deps.services.dashboard.group(target.appId, target.groupId, view.period, view);
  if (detail === undefined) return noSuchGroup(reply, target.appId, target.groupId, view);
  return sendPage(reply, status, groupPage(detail, view, refusal));
}

/** The form's fields; a body that is not a form (or none) has none. */
function formFields(body: unknown): FormFields {
  return typeof body === 'object' && body !== null ? (body as FormFields) : {};
}

function field(form: FormFields, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value : '';
}
