// /api/menus: voice menus as data. A save is refused, with the path named, when any menu would
// point nowhere.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { NotFound } from '../../errors.js'
import { requireRole } from '../auth.js'
import { authErrors, ErrorBody } from '../schemas/common.js'
import { MenuBody, MenuList, MenuParams, MenuView } from '../schemas/menus.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { menus } = app.services

  app.get('/menus', {
    onRequest: requireRole('supervisor'),
    schema: { response: { 200: MenuList, ...authErrors } }
  }, async () => ({ menus: menus.list() }))

  app.get('/menus/:menuId', {
    onRequest: requireRole('supervisor'),
    schema: { params: MenuParams, response: { 200: MenuView, 404: ErrorBody, ...authErrors } }
  }, async (req) => {
    const menu = menus.get(req.params.menuId)
    if (menu === undefined) throw new NotFound('menu', req.params.menuId)
    return menu
  })

  app.put('/menus/:menuId', {
    onRequest: requireRole('admin'),
    schema: { params: MenuParams, body: MenuBody, response: { 200: MenuView, 201: MenuView, ...authErrors } }
  }, async (req, reply) => {
    const b = req.body
    const current = menus.get(req.params.menuId)
    const { menu, created } = menus.save(req.params.menuId, {
      name: b.name, greeting: b.greeting ?? [], prompt: b.prompt ?? [], options: b.options ?? {},
      timeoutSeconds: b.timeoutSeconds ?? 5, repeats: b.repeats ?? 2, defaultAction: b.defaultAction, afterHours: b.afterHours ?? null
    }, b.isDefault ?? current?.isDefault ?? false)
    return reply.status(created ? 201 : 200).send(menu)
  })

  app.delete('/menus/:menuId', {
    onRequest: requireRole('admin'),
    schema: { params: MenuParams, response: { 204: Type.Null(), 404: ErrorBody, 409: ErrorBody, ...authErrors } }
  }, async (req, reply) => {
    menus.remove(req.params.menuId)
    return reply.status(204).send(null)
  })
}

export default routes
